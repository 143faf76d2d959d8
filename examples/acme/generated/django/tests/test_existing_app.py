"""The integration added to a project that has a life of its own: its views, backend and middleware work as before.

The project is the example with what an existing project brings along: a
form of its own (CSRF-protected the Django way), a webhook that takes posts
without a token, Django's ``ModelBackend`` before the integration's backend
for the project's local users, and a middleware of its own. None of them
changes, and the smoke cases S1-S22 pass inside this project as well: they
are collected again below, and run with its settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

import example.urls
from support import JSON, Agent, Service, route
from test_lifecycle import *  # noqa: F403  (the smoke cases, collected again: they run in this project)
from test_smoke import *  # noqa: F403

pytestmark = pytest.mark.django_db

#: The header the project's own middleware puts on every answer.
STAMP = "X-Existing-App"


def contact(request: HttpRequest) -> HttpResponse:
    """The project's own form: a POST that Django's ``CsrfViewMiddleware`` checks, as it always did."""
    if request.method == "POST":
        return HttpResponse(f"Thanks, {request.POST.get('name', '')}")
    return HttpResponse("<form method='post'>...</form>")


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    """A webhook of the project's: posts from another system, without a CSRF token."""
    return HttpResponse(status=204)


@login_required
def notes(request: HttpRequest) -> HttpResponse:
    """A page of the project's for any signed-in user, local or from the service."""
    return HttpResponse(f"Notes of {request.user.get_username()}")


class StampMiddleware:
    """The project's own middleware: it marks every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response[STAMP] = "1"
        return response


#: The project's URLconf: its own routes beside the example's (``settings.ROOT_URLCONF = __name__``).
urlpatterns = [
    *example.urls.urlpatterns,
    path("contact", contact),
    path("webhook", webhook),
    path("notes", notes),
]
handler500 = example.urls.handler500


@pytest.fixture(autouse=True)
def existing_app(settings: Any) -> None:
    """The project's settings: its URLconf, its own backend first, its middleware last."""
    settings.ROOT_URLCONF = __name__
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", *settings.AUTHENTICATION_BACKENDS]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.StampMiddleware"]
    # ModelBackend hashes every password it is given (also for users it does not know, against timing
    # attacks): a fast hasher keeps the smoke cases' many sign-ins quick. Never in production.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def local_user() -> Any:
    """A user of the project's own, with a password Django keeps."""
    return get_user_model().objects.create_user("local-editor", "editor@example.org", "local-pass-1")


def test_the_projects_webhook_takes_posts_without_a_token(api: Agent) -> None:
    assert api.client.post("/webhook", "{}", content_type=JSON).status_code == 204


def test_the_projects_form_keeps_djangos_csrf_check(browser: Agent) -> None:
    assert browser.client.post("/contact", {"name": "Ada"}).status_code == 403
    token = browser.csrf()
    answer = browser.client.post("/contact", {"name": "Ada", token["field"]: token["csrf_token"]})
    assert (answer.status_code, answer.content) == (200, b"Thanks, Ada")


def test_the_projects_middleware_runs_on_the_integrations_routes_too(api: Agent) -> None:
    assert api.client.get(route("csrf"))[STAMP] == "1"
    assert api.me()[STAMP] == "1"


def test_a_local_user_signs_in_with_the_projects_backend_without_the_service(
    browser: Agent, service: Service, local_user: Any
) -> None:
    before = service.calls()
    response = browser.login("local-editor", "local-pass-1")
    assert response.status_code == 303, response.content[:300]
    assert browser.get("/notes").content == b"Notes of local-editor"
    me = browser.me().json()
    assert (me["username"], me["email"]) == ("local-editor", "editor@example.org")
    assert browser.logout().status_code == 303
    assert browser.get("/notes").status_code == 302
    after = service.calls()
    assert {op: after.get(op) for op in before if op != "issued"} == {
        op: n for op, n in before.items() if op != "issued"
    }, "the service is not asked about a local user"


def test_djangos_own_login_still_signs_local_users_in(local_user: Any) -> None:
    client = Agent(browser=True).client
    assert client.login(username="local-editor", password="local-pass-1")
    assert client.get("/notes").content == b"Notes of local-editor"
