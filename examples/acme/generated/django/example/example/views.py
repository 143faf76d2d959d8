"""The example project's pages: ``request.user`` is a Django user that signed in with Acme Identity."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from django_acme import roles_required

#: The role the admin page requires.
ADMIN_ROLE = "admins"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greet the signed-in user, as a page or as JSON."""
    user = request.user
    return _answer(request, f"Hello {user.first_name or user.get_username()}")


@roles_required(ADMIN_ROLE)
def admin_area(request: HttpRequest) -> HttpResponse:
    """A page only users with the admin role see."""
    return _answer(request, f"Welcome to the admin area, {request.user.get_username()}")


def _answer(request: HttpRequest, message: str) -> HttpResponse:
    """The message as a page or as JSON, whichever ``Accept`` prefers; 406 when it takes neither."""
    answer_type = request.get_preferred_type(["text/html", "application/json"])
    if answer_type is None:
        return HttpResponse("This page is HTML or JSON.", status=406, content_type="text/plain")
    if answer_type == "application/json":
        return JsonResponse({"message": message})
    context = {
        "message": message,
        "profile": getattr(request.user, "acme_profile", None),
        "logout_url": reverse("acme:logout"),
        "password_url": reverse("acme:password"),
    }
    return render(request, "home.html", context)
