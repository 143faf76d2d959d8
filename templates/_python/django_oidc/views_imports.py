"""The routes: login (a redirect to {{ cookiecutter.service_name | pydoc }}), its callback, logout, me, csrf.

Signing in is OpenID Connect's authorization-code flow with PKCE, run by
Authlib: ``login`` sends the browser to the provider with a state, a nonce
and a code challenge (Authlib keeps them in the session), the provider sends
it back to ``callback`` with a code, and Authlib trades the code for tokens
and validates the ID token. Every route answers HTML or JSON as the
request's ``Accept`` asks: browsers get pages and redirects, API clients get
JSON and status codes, never a redirect to the provider. The sign-out post
carries Django's CSRF field, or its ``X-CSRFToken`` header.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views import defaults as django_defaults
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from joserfc.errors import JoseError

from . import defaults
from .errors import {{ [cookiecutter.class_name ~ "Error", "ServiceUnavailable"] | sort | join(", ") }}
from .oidc import id_token_claims
from .responses import (
    BODY_NOT_JSON,
    CSRF_RETRY,
    CSRF_TITLE,
    HTML,
    JSON,
    MESSAGES,
    NotAcceptable,
    error_response,
    json_error,
    links,
    negotiate,
    render_page,
    wants_json,
)
from .session import service_session_of, sign_in
from .state import AUTHORIZE_PARAMS, get_provider

#: The session key of the page to land on after the callback (a path on this site, or "").
NEXT_KEY = f"{defaults.SESSION_KEY}_next"

#: Seconds of clock difference with the provider tolerated when checking the ID token's expiry.
ID_TOKEN_LEEWAY = 5

#: What a sign-in that did not complete is told: a callback without this browser's state, a code the
#: provider refuses (used already, or the PKCE verifier does not match), an ID token that is not valid.
SIGN_IN_FAILED = {{ cookiecutter.messages.error.sign_in_failed | py }}

#: What a user is told when the provider answers the sign-in with ``access_denied``.
ACCESS_DENIED = {{ cookiecutter.messages.error.access_denied | py }}

