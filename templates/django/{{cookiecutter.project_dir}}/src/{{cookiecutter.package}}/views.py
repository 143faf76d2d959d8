"""The routes: login, logout, me, csrf{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot{% endif %}.

Every route answers HTML or JSON as the request's ``Accept`` asks: browsers
get pages and redirects, API clients get JSON and status codes, never a
redirect to the login page. Form posts carry Django's CSRF field, JSON posts
its ``X-CSRFToken`` header.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib import auth{% if cookiecutter.has_register %}, messages{% endif %}
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.handlers.exception import response_for_exception
{%- if cookiecutter.has_register or cookiecutter.has_forgot_password %}
from django.forms import Form
{%- endif %}
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views import defaults as django_defaults
from django.views.decorators.csrf import csrf_exempt, csrf_protect
{%- if cookiecutter.has_register or cookiecutter.has_forgot_password %}
from django.views.generic import FormView
{%- endif %}

from . import defaults, throttle
from .errors import {{ cookiecutter.view_error_imports | join(", ") }}
from .forms import {% if cookiecutter.has_forgot_password %}ForgotPasswordForm, {% endif %}LoginForm{% if cookiecutter.has_register %}, RegisterForm{% endif %}
from .responses import (
    HTML,
    JSON,
    MESSAGES,
    NotAcceptable,
    error_response,
    json_error,
    negotiate,
    page_context,
    wants_json,
)
{%- if cookiecutter.has_register or cookiecutter.has_forgot_password %}
from .state import get_client
{%- endif %}

logger = logging.getLogger(__name__)

#: Content types a POST may have besides JSON: HTML forms.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InvalidBody(Exception):
    """A JSON body that does not parse, or is not an object (400)."""


@csrf_protect
def _csrf_checked(request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Run ``view`` behind Django's CSRF check, as ``CsrfViewMiddleware`` would."""
    return view(request, *args, **kwargs)


class RouteMixin:
    """What every route of the integration shares, checked in this order.

    A method the route does not serve is a ``405``; an ``Accept`` it cannot
    answer is a ``406``; a POST that is neither JSON nor a form is a
    ``415``; then comes Django's CSRF check (``403``), and a JSON body that
    does not parse to an object is a ``400``. The CSRF check comes after the
    method check, so the route is exempt from ``CsrfViewMiddleware`` and
    runs the same check itself.
    """

    #: The types each method answers with, preferred first; any other method is a 405.
    answers: dict[str, tuple[str, ...]] = {}
    #: Whether the posted fields are hidden from error reports (they hold a password).
    sensitive = False
    #: The type this request is answered with, chosen from :attr:`answers`.
    answer_type = HTML

    request: HttpRequest

    @method_decorator(csrf_exempt)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = "GET" if request.method == "HEAD" else str(request.method)
        if method not in self.answers:
            response = self.http_method_not_allowed(request, *args, **kwargs)
        else:
            try:
                response = self._checked_dispatch(request, method, *args, **kwargs)
            except {{ cookiecutter.class_name }}Error:
                raise  # the middleware answers with the error's status (503 when the service is down)
            except Exception as exc:
                # Django's own handling (the log, error reporting, handler500 or the debug page), but an
                # API client gets the JSON error body, never a page or a traceback.
                response = response_for_exception(request, exc)
                if response.status_code >= 500 and self.answers_json:
                    response = json_error("failed", MESSAGES["failed"], response.status_code)
        patch_vary_headers(response, ("Accept",))
        add_never_cache_headers(response)
        return response

    def _checked_dispatch(self, request: HttpRequest, method: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.answer_type = negotiate(request, *self.answers[method])
        except NotAcceptable:
            return error_response(request, "not_acceptable", 406)
        if method == "POST":
            if self.sensitive:
                request.sensitive_post_parameters = "__ALL__"
            if not _is_form_or_json(request):
                return error_response(request, "unsupported_media_type", 415)
        try:
            return _csrf_checked(request, super().dispatch, *args, **kwargs)  # type: ignore[misc]
        except InvalidBody:
            return error_response(request, "invalid_input", 400)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = error_response(request, "method_not_allowed", 405)
        allowed = set(self.answers) | ({"HEAD"} if "GET" in self.answers else set())
        response["Allow"] = ", ".join(sorted(allowed))
        return response

    @property
    def answers_json(self) -> bool:
        return self.answer_type == JSON

    def payload(self) -> Any:
        """The posted fields: the form, or the JSON object's text values (others read as missing).

        :raises InvalidBody: when a JSON body does not parse to an object.
        """
        request = self.request
        if request.content_type != JSON:
            return request.POST
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep to parse
            raise InvalidBody() from None
        if not isinstance(data, dict):
            raise InvalidBody()
        return {name: value for name, value in data.items() if isinstance(value, str)}


class LoginView(RouteMixin, auth_views.LoginView):
    """Sign in: Django's ``LoginView`` with the {{ cookiecutter.service_name | pydoc }} backend.

    A form post is sent on (303) to ``next`` when it is a path on this site,
    else to ``LOGIN_REDIRECT_URL`` when the project sets it, else to ``/``.
    A JSON post gets ``{"user": ..., "csrf_token": ...}``: the session is new
    after sign-in, and so is its CSRF token.
    """

    answers = {"GET": (HTML,), "POST": (HTML, JSON)}
    sensitive = True
    template_name = f"{defaults.TEMPLATE_FOLDER}/login.html"
    authentication_form = LoginForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["data"] = self.payload()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **page_context()}

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return url if _is_local_path(url) else ""

    def get_default_redirect_url(self) -> str:
        if self.next_page:
            return resolve_url(self.next_page)
        if settings.is_overridden("LOGIN_REDIRECT_URL"):
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return "/"

    def form_valid(self, form: LoginForm) -> HttpResponse:
        request = self.request
        if auth.SESSION_KEY in request.session:
            request.session.cycle_key()  # login() keeps the key when the same user signs in again
        auth.login(request, form.get_user())
        throttle.succeeded(form.posted_username())
        if self.answers_json:
            return JsonResponse({"user": user_data(form.get_user()), "csrf_token": get_token(request)})
        return _see_other(self.get_success_url())

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        if form.retry_after is not None:
            response = self._refused(form, "too_many_attempts", 429, MESSAGES["too_many_attempts"])
            response["Retry-After"] = str(form.retry_after)
            return response
        error = form.service_error
        if error is None and form.has_error(NON_FIELD_ERRORS, "inactive"):
            error = AccountDisabled()
        elif error is None and form.has_error(NON_FIELD_ERRORS):
            error = InvalidCredentials()
        if error is None:
            return self._refused(form, "invalid_input", 400, MESSAGES["invalid_input"])
        if isinstance(error, (InvalidCredentials, AccountDisabled)):
            throttle.failed(self.request, form.posted_username())
        # What failed (a request, or a field of the user record); never a password or a token.
        logger.info("Sign-in refused by the service: %s", error)
        return self._refused(form, error.code, error.status, error.public_message)

    def _refused(self, form: LoginForm, code: str, status: int, message: str) -> HttpResponse:
        logger.info("Sign-in refused: %s", code)
        if self.answers_json:
            return json_error(code, message, status)
        return self.render_to_response(self.get_context_data(form=form), status=status)


class LogoutView(RouteMixin, View):
    """Sign out (POST only): the session ends, and with it the service's tokens."""

    answers = {"POST": (HTML, JSON)}

    def post(self, request: HttpRequest) -> HttpResponse:
        request.user = auth.get_user(request)  # signing out never waits for a refresh at the service
        auth.logout(request)
        if self.answers_json:
            return HttpResponse(status=204)
        return _see_other(reverse(f"{defaults.URL_NAMESPACE}:login"))


class MeView(RouteMixin, View):
    """The signed-in user as JSON: the canonical attributes, then every field of the service's user."""

    answers = {"GET": (JSON,)}

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_error("unauthorized", MESSAGES["unauthorized"], 401)
        return JsonResponse(user_data(request.user))


class CsrfView(RouteMixin, View):
    """The CSRF token of this session, and where API clients and forms send it."""

    answers = {"GET": (JSON,)}

    def get(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse({"csrf_token": get_token(request), "header": csrf_header(), "field": defaults.CSRF_FIELD})
{% if cookiecutter.has_register %}

class RegisterView(RouteMixin, FormView):
    """Create an account at {{ cookiecutter.service_name | pydoc }}; the user signs in afterwards."""

    answers = {"GET": (HTML,), "POST": (HTML, JSON)}
    sensitive = True
    form_class = RegisterForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/register.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["data"] = self.payload()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **page_context()}

    def form_valid(self, form: RegisterForm) -> HttpResponse:
        try:
            get_client().register(**form.cleaned_data)
        except {{ cookiecutter.class_name }}Error as err:
            return _refused(self, form, err.code, err.status, err.public_message)
        if self.answers_json:
            return JsonResponse({"status": "registered"}, status=201)
        messages.success(self.request, "Your account is ready. Sign in to continue.", fail_silently=True)
        return _see_other(reverse(f"{defaults.URL_NAMESPACE}:login"))

    def form_invalid(self, form: RegisterForm) -> HttpResponse:
        return _refused(self, form, "invalid_input", 400, MESSAGES["invalid_input"])
{% endif %}
{%- if cookiecutter.has_forgot_password %}

class ForgotPasswordView(RouteMixin, FormView):
    """Ask {{ cookiecutter.service_name | pydoc }} to send a password reset message.

    The answer is the same whether the account exists or not, so the route
    does not tell anyone which accounts exist.
    """

    answers = {"GET": (HTML,), "POST": (HTML, JSON)}
    form_class = ForgotPasswordForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/forgot.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["data"] = self.payload()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **page_context()}

    def form_valid(self, form: ForgotPasswordForm) -> HttpResponse:
        try:
            get_client().forgot_password(**form.cleaned_data)
        except UserNotFound:
            logger.info("Password reset asked for an account the service does not know")
        except {{ cookiecutter.class_name }}Error as err:
            return _refused(self, form, err.code, err.status, err.public_message)
        if self.answers_json:
            return JsonResponse({"status": "sent"}, status=202)
        return self.render_to_response(self.get_context_data(sent=True))

    def form_invalid(self, form: ForgotPasswordForm) -> HttpResponse:
        return _refused(self, form, "invalid_input", 400, MESSAGES["invalid_input"])
{% endif %}

def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: ``403 csrf_failed`` for API clients, a page for browsers."""
    return error_response(request, "csrf_failed", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """A ``handler500`` for the project's URLconf: the JSON error body for API clients, Django's own 500 page for browsers.

    The integration's routes answer API clients this way by themselves; this
    does it for the project's own views too, once the root URLconf says
    ``handler500 = "{{ cookiecutter.package }}.views.server_error"``.
    """
    if wants_json(request):
        return json_error("failed", MESSAGES["failed"], 500)
    return django_defaults.server_error(request)


def user_data(user: AbstractBaseUser) -> dict[str, Any]:
    """A user in the shape of the ``me`` route.

    A user who signed in at the service is described by their profile; a
    local user (signed in by another backend) by Django's own fields.
    """
    profile = getattr(user, "{{ cookiecutter.slug }}_profile", None)
    if profile is not None:
        return profile.to_dict()
    groups = getattr(user, "groups", None)
    return {
        "id": str(user.pk),
        "username": user.get_username(),
        "email": getattr(user, user.get_email_field_name(), None) or None,
        "first_name": getattr(user, "first_name", None) or None,
        "last_name": getattr(user, "last_name", None) or None,
        "roles": sorted(groups.values_list("name", flat=True)) if groups is not None else [],
        "active": user.is_active,
        "is_staff": bool(getattr(user, "is_staff", False)),
        "is_admin": bool(getattr(user, "is_superuser", False)),
    }


def csrf_header() -> str:
    """The HTTP header Django reads the CSRF token from (``X-CSRFToken`` unless ``CSRF_HEADER_NAME`` says otherwise)."""
    name = settings.CSRF_HEADER_NAME
    if name == "HTTP_X_CSRFTOKEN":
        return "X-CSRFToken"
    return "-".join(part.capitalize() for part in name.removeprefix("HTTP_").split("_"))
{% if cookiecutter.has_register or cookiecutter.has_forgot_password %}

def _refused(view: RouteMixin, form: Form, code: str, status: int, message: str) -> HttpResponse:
    """Answer a refused form: the JSON error, or the page again with the message."""
    if view.answers_json:
        return json_error(code, message, status)
    if code != "invalid_input" or not form.errors:
        form.add_error(None, message)
    return view.render_to_response(view.get_context_data(form=form), status=status)  # type: ignore[attr-defined]
{% endif %}

def _see_other(url: str) -> HttpResponse:
    """A ``303 See Other`` redirect: the browser follows it with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _is_local_path(url: str) -> bool:
    """Whether ``url`` is a path on this site: one leading ``/``, no scheme, host or backslash, not too long.

    A ``Location`` longer than :data:`.defaults.MAX_NEXT_LENGTH` is one that
    some servers and proxies refuse to pass on.
    """
    return url.startswith("/") and not url.startswith("//") and "\\" not in url and len(url) <= defaults.MAX_NEXT_LENGTH


def _is_form_or_json(request: HttpRequest) -> bool:
    """Whether a POST is JSON or a form; an empty one (a bare ``fetch``) counts as an empty form, whatever its type."""
    if request.content_type == JSON or request.content_type in FORM_TYPES:
        return True
    return (request.META.get("CONTENT_LENGTH") or "0").strip() == "0"
