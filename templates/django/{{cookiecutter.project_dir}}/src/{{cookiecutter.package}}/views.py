{% if cookiecutter.is_oidc %}{% include "django_oidc/views_imports.py" %}{% else %}"""The routes: login, logout, me, csrf{% for name in cookiecutter.django_pages[2:] %}, {{ name }}{% endfor %}.

Every route answers HTML or JSON as the request's ``Accept`` asks: browsers
get pages and redirects, API clients get JSON and status codes, never a
redirect to the login page. Form posts carry Django's CSRF field, JSON posts
its ``X-CSRFToken`` header.
"""

from __future__ import annotations

import json
import logging
from typing import {% if cookiecutter.django_form_views %}TYPE_CHECKING, {% endif %}Any, cast

from django.conf import settings
from django.contrib import auth{% if cookiecutter.has_register %}, messages{% endif %}
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.base_user import AbstractBaseUser
{%- if cookiecutter.change_refreshes %}
from django.contrib.auth.views import redirect_to_login
{%- endif %}
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.handlers.exception import response_for_exception
{%- if cookiecutter.django_form_views %}
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
from django.views.decorators.debug import sensitive_post_parameters
{%- if cookiecutter.django_form_views %}
from django.views.generic import FormView
{%- endif %}

from . import defaults, throttle
{%- if cookiecutter.has_change_password %}
from .decorators import refusal
{%- endif %}
from .errors import {{ cookiecutter.django_view_errors | join(", ") }}
from .forms import {{ cookiecutter.django_form_classes | join(", ") }}
from .responses import (
    BODY_NOT_JSON,
    CSRF_RETRY,
    CSRF_TITLE,
    HTML,
{%- if cookiecutter.email_links %}
    INCOMPLETE_LINK,
{%- endif %}
    JSON,
    MESSAGES,
{%- if cookiecutter.new_passwords %}
    PASSWORDS_DIFFER,
{%- endif %}
{%- if cookiecutter.has_change_password %}
    WRONG_CURRENT_PASSWORD,
{%- endif %}
    NotAcceptable,
    error_response,
    json_error,
    links,
    negotiate,
    page_context,
    render_page,
    wants_json,
)
{%- if cookiecutter.has_change_password %}
from .session import {% if cookiecutter.has_refresh %}SignedOut, {% endif %}change_password, service_session_of
{%- endif %}
{%- if cookiecutter.has_register or cookiecutter.has_forgot_password or cookiecutter.has_reset_password or cookiecutter.has_verify_email %}
from .state import get_client
{%- endif %}

{%- if cookiecutter.django_form_views %}

if TYPE_CHECKING:
    FormViewBase = FormView[Form]
else:  # FormView takes no type parameter at run time
    FormViewBase = FormView
{%- endif %}

{% endif %}logger = logging.getLogger(__name__)

#: Content types a POST may have besides JSON: HTML forms.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InvalidBody(Exception):
    """A JSON body that does not parse, or is not an object (400)."""


@csrf_protect
def _csrf_checked(request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Run ``view`` behind Django's CSRF check, as ``CsrfViewMiddleware`` would."""
    response: HttpResponse = view(request, *args, **kwargs)
    return response


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
        if method == "POST" and not _is_form_or_json(request):
            return error_response(request, "unsupported_media_type", 415)
        try:
            return _csrf_checked(request, super().dispatch, *args, **kwargs)  # type: ignore[misc]
        except InvalidBody:
            return error_response(request, "invalid_input", 400, BODY_NOT_JSON)

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


{% if cookiecutter.is_oidc %}{% include "django_oidc/views_login.py" %}{% else %}@method_decorator(sensitive_post_parameters(), name="dispatch")  # the posted fields hold a password
class LoginView(RouteMixin, auth_views.LoginView):
    """Sign in: Django's ``LoginView`` with the {{ cookiecutter.service_name | pydoc }} backend.

    A form post is sent on (303) to ``next`` when it is a path on this site,
    else to ``LOGIN_REDIRECT_URL`` when the project sets it, else to ``/``.
    A JSON post gets ``{"user": ..., "csrf_token": ...}``: the session is new
    after sign-in, and so is its CSRF token.
    """

    answers = {"GET": (HTML,), "POST": (HTML, JSON)}
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
        if settings.is_overridden("LOGIN_REDIRECT_URL"):  # type: ignore[misc]  # django-stubs lacks it
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return "/"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        request = self.request
        if auth.SESSION_KEY in request.session:
            request.session.cycle_key()  # login() keeps the key when the same user signs in again
        auth.login(request, form.get_user())
        throttle.succeeded(cast(LoginForm, form).posted_username())
        if self.answers_json:
            return JsonResponse({"user": user_data(form.get_user()), "csrf_token": get_token(request)})
        return _see_other(self.get_success_url())

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        form = cast(LoginForm, form)  # the authentication_form
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
        if isinstance(error, ({{ cookiecutter.django_counted_errors | join(", ") }})):
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


{% endif %}class MeView(RouteMixin, View):
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
{%- if cookiecutter.django_form_views %}

class FormRouteView(RouteMixin, FormViewBase):
    """A route with a form page: the form is posted by browsers, or sent as JSON by API clients.

    JSON posts are checked by the same form, so both get the same rules. A
    refused post answers the JSON error, or the page again with the message.
    """

    answers = {"GET": (HTML,), "POST": (HTML, JSON)}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["data"] = self.payload()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **page_context()}

    def form_invalid(self, form: Form) -> HttpResponse:
        return self.refused(form, "invalid_input", 400, MESSAGES["invalid_input"])

    def refused(self, form: Form, code: str, status: int, message: str) -> HttpResponse:
        """Answer a refused form: the JSON error, or the page again with the message."""
        if self.answers_json:
            return json_error(code, message, status)
        if code != "invalid_input" or not form.errors:
            form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def done(self, status: dict[str, str], **context: Any) -> HttpResponse:
        """Answer a post the service accepted: ``200`` with ``status`` as JSON, or the page saying it is done."""
        if self.answers_json:
            return JsonResponse(status)
        return self.render_to_response(self.get_context_data(form=None, done=True, **context))
{% endif %}
{%- if cookiecutter.has_register %}

@method_decorator(sensitive_post_parameters(), name="dispatch")
class RegisterView(FormRouteView):
    """Create an account at {{ cookiecutter.service_name | pydoc }}; the user signs in afterwards."""

    form_class = RegisterForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/register.html"

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            get_client().register(**form.cleaned_data)
        except {{ cookiecutter.class_name }}Error as err:
            return self.refused(form, err.code, err.status, err.public_message)
        if self.answers_json:
            return JsonResponse({"status": "registered"}, status=201)
        messages.success(self.request, {{ cookiecutter.messages.registered | py }}, fail_silently=True)
        return _see_other(reverse(f"{defaults.URL_NAMESPACE}:login"))
{% endif %}
{%- if cookiecutter.has_forgot_password %}

class ForgotPasswordView(FormRouteView):
    """Ask {{ cookiecutter.service_name | pydoc }} to send a password reset message.

    The answer is the same whether the account exists or not, so the route
    does not tell anyone which accounts exist.
    """

    form_class = ForgotPasswordForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/forgot.html"

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            get_client().forgot_password(**form.cleaned_data)
        except UserNotFound:
            logger.info("Password reset asked for an account the service does not know")
        except {{ cookiecutter.class_name }}Error as err:
            return self.refused(form, err.code, err.status, err.public_message)
        if self.answers_json:
            return JsonResponse({"status": "sent"}, status=202)
        return self.render_to_response(self.get_context_data(sent=True))
{% endif %}
{%- if cookiecutter.email_links %}

class TokenLinkView(FormRouteView):
    """A page opened from a link in the service's email: the token is in the link's query, the page's form posts it.

    Opening the link (GET) never uses the token, because mail scanners open
    links before people do; only the form's post does. A link without its
    token, or one the service refuses (used, expired, made up), gets a page
    that says so instead of the form, which could not succeed.
    """

    #: The query parameter of the link in the email that holds the token.
    token_query: str

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.GET.get(self.token_query):
            return self.link_refused("invalid_token", 400, INCOMPLETE_LINK)
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"token": self.request.GET.get(self.token_query, "")}

    def form_invalid(self, form: Form) -> HttpResponse:
        if form.has_error("token"):
            return self.link_refused("invalid_token", 400, INCOMPLETE_LINK)
        return super().form_invalid(form)

    def refused_by_service(self, form: Form, err: {{ cookiecutter.class_name }}Error) -> HttpResponse:
        """Answer an error of the service: a link it refuses gets its own page, anything else the form again."""
        if err.code in ("invalid_token", "expired_token"):
            return self.link_refused(err.code, err.status, err.public_message)
        return self.refused(form, err.code, err.status, err.public_message)

    def link_refused(self, code: str, status: int, message: str) -> HttpResponse:
        """The JSON error, or the page with ``message`` in place of the form."""
        if self.answers_json:
            return json_error(code, message, status)
        return self.render_to_response(self.get_context_data(form=None, link_error=message), status=status)
{% endif %}
{%- if cookiecutter.has_reset_password %}

@method_decorator(sensitive_post_parameters(), name="dispatch")
class ResetPasswordView(TokenLinkView):
    """Choose a new password from the link in the reset message of {{ cookiecutter.service_name | pydoc }}: ``reset?{{ cookiecutter.reset_token_query }}=...``.

    The page asks for the new password twice and sends it with the link's
    token; it signs nobody in, the user signs in with the new password. The
    service's email must link to this route (a setting of the service).
    """

    token_query = {{ cookiecutter.reset_token_query | py }}
    form_class = ResetPasswordForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/reset.html"

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            get_client().reset_password({"token": form.cleaned_data["token"], "password": form.cleaned_data["password"]})
        except {{ cookiecutter.class_name }}Error as err:
            return self.refused_by_service(form, err)
        logger.info("Password reset at the service")
        return self.done({"status": "reset"})

    def form_invalid(self, form: Form) -> HttpResponse:
        if form.has_error("password_confirm", "password_mismatch"):
            return self.refused(form, "invalid_input", 400, PASSWORDS_DIFFER)
        return super().form_invalid(form)
{% endif %}
{%- if cookiecutter.has_verify_email %}

class VerifyEmailView(TokenLinkView):
    """Confirm an email address from the link in the verification message: ``verify?{{ cookiecutter.verify_token_query }}=...``.

    The page has one button, which posts the link's token; the user signs in afterwards.
    """

    token_query = {{ cookiecutter.verify_token_query | py }}
    form_class = VerifyEmailForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/verify.html"

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            get_client().verify_email({"token": form.cleaned_data["token"]})
        except {{ cookiecutter.class_name }}Error as err:
            return self.refused_by_service(form, err)
        logger.info("Email address verified at the service")
        return self.done({"status": "verified"})
{% endif %}
{%- if cookiecutter.has_change_password %}

@method_decorator(sensitive_post_parameters(), name="dispatch")
class ChangePasswordView(FormRouteView):
    """Change the signed-in user's password at {{ cookiecutter.service_name | pydoc }}: the current one, then the new one twice.

    Signed-in users only: anonymous browsers are sent to the login page, API
    clients get ``401``, before anything else is checked. The user stays
    signed in, in a session with a new key.
    """

    form_class = ChangePasswordForm
    template_name = f"{defaults.TEMPLATE_FOLDER}/password.html"

    def _checked_dispatch(self, request: HttpRequest, method: str, *args: Any, **kwargs: Any) -> HttpResponse:
        # The guard first, as login_required: an anonymous API client gets 401 whatever it accepts.
        return refusal(request, ()) or super()._checked_dispatch(request, method, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        request = self.request
        service_session = service_session_of(request)
        if service_session is None:  # signed in by another backend: the service keeps no password for this user
            return error_response(request, "forbidden", 403)
        values = {name: form.cleaned_data[name] for name in ("current_password", "new_password")}
        try:
            change_password(request, service_session, values)
{%- if cookiecutter.has_refresh %}
        except SignedOut:  # the tokens had ended, and the service would not renew them
            if self.answers_json:
                return json_error("unauthorized", MESSAGES["unauthorized"], 401)
            return redirect_to_login(request.get_full_path())
{%- endif %}
        except InvalidCredentials:
            return self.refused(form, "invalid_credentials", 400, WRONG_CURRENT_PASSWORD)
        except {{ cookiecutter.class_name }}Error as err:
            return self.refused(form, err.code, err.status, err.public_message)
        request.session.cycle_key()  # a new session key with the new password; the user stays signed in
        logger.info("User %s changed their password at the service", request.user.pk)
        return self.done({"status": "changed"})

    def form_invalid(self, form: Form) -> HttpResponse:
        if form.has_error("new_password_confirm", "password_mismatch"):
            return self.refused(form, "invalid_input", 400, PASSWORDS_DIFFER)
        return super().form_invalid(form)
{% endif %}

def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: ``403 csrf_failed`` for API clients; browsers get a page that offers the form again.

    The session is usually fine: the form is older than its token (another
    tab, a sign-in since). So the page links back to the form, which comes
    with a fresh token; a sign-out form lives on the project's own pages.
    """
    if wants_json(request):
        return json_error("csrf_failed", MESSAGES["csrf_failed"], 403)
    again = "/" if request.path == links().get("logout") else request.get_full_path()
    context = {"title": CSRF_TITLE, "message": MESSAGES["csrf_failed"], "again": again, "again_label": CSRF_RETRY}
    return render_page(request, "error.html", {**context, "status": 403}, status=403)


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
        data: dict[str, Any] = profile.to_dict()
        return data
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
