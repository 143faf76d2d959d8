"""The forms of the integration's pages, and how posts to them are read.

A post is a form (``application/x-www-form-urlencoded``, with the CSRF token
in its ``csrf_token`` field) or a JSON object (``application/json``, with the
token in the ``X-CSRFToken`` header). Both fill the same :class:`Form`, so
browsers and API clients get the same rules; the pages render every field of
a form, so a field added here shows up on its page.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from . import config
from .responses import JSON, MESSAGES

#: What a required field left empty is told.
REQUIRED = "This field is required."

#: What a form whose two new passwords differ is told; the service is not asked.
PASSWORDS_DIFFER = "The two passwords do not match."

#: The content type of the form posts browsers send.
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Field:
    """One input of a form: its name, its label, and the rules of its value."""

    name: str
    label: str
    #: The ``type`` of the ``<input>``: ``text``, ``email`` or ``password``.
    type: str = "text"
    #: The ``autocomplete`` of the ``<input>``, so password managers fill in the right field.
    autocomplete: str = "off"
    required: bool = True
    #: The field whose value this one must repeat (a new password typed twice); None for most.
    repeats: str | None = None


@dataclass
class Form:
    """A form of a page: its fields, their values, the hidden values it carries, and what is wrong with it."""

    fields: tuple[Field, ...]
    values: dict[str, str] = field(default_factory=dict)
    #: Hidden inputs: the CSRF token, ``next``, a link's token.
    hidden: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def validate(self) -> bool:
        """Check every field; the problems land in :attr:`errors`. True when there are none."""
        self.errors = {}
        for item in self.fields:
            value = self.values.get(item.name, "")
            if item.required and not value.strip():
                self.errors.setdefault(item.name, []).append(REQUIRED)
            elif len(value) > config.MAX_INPUT_LENGTH:
                self.errors.setdefault(item.name, []).append(
                    f"Field cannot be longer than {config.MAX_INPUT_LENGTH} characters."
                )
            elif item.repeats is not None and value != self.values.get(item.repeats, ""):
                self.errors.setdefault(item.name, []).append(PASSWORDS_DIFFER)
        return not self.errors

    def text(self, name: str) -> str:
        """The text of a field as it was sent; "" when it was left empty."""
        return self.values.get(name, "")

    def problems(self) -> str:
        """The errors in one line, for a JSON answer: ``"email: This field is required."``."""
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())

    def shown(self) -> dict[str, str]:
        """The values to show again on the page: every field's but the passwords'."""
        kinds = {item.name: item.type for item in self.fields}
        return {name: value for name, value in self.values.items() if kinds.get(name, "password") != "password"}


#: Sign in with Acme Identity; ``next`` (hidden) is where to go afterwards.
LOGIN = (
    Field("username", "Email", type="email", autocomplete="username"),
    Field("password", "Password", type="password", autocomplete="current-password"),
)

#: Create an account.
REGISTER = (
    Field("email", "Email", type="email", autocomplete="email"),
    Field("password", "Password", type="password", autocomplete="new-password"),
    Field("first_name", "First name", type="text", autocomplete="given-name"),
    Field("last_name", "Last name", type="text", autocomplete="family-name"),
)

#: Ask for a password reset message.
FORGOT_PASSWORD = (Field("email", "Email", type="email", autocomplete="email"),)

#: Choose a new password with the token of the link in the reset message (``token``, hidden).
RESET_PASSWORD = (
    Field("password", "New password", type="password", autocomplete="new-password"),
    Field("password_confirm", "New password, again", type="password", autocomplete="new-password", repeats="password"),
)

#: Change the signed-in user's password: the current one, and the new one twice.
CHANGE_PASSWORD = (
    Field("current_password", "Current password", type="password", autocomplete="current-password"),
    Field("new_password", "New password", type="password", autocomplete="new-password"),
    Field(
        "new_password_confirm",
        "New password, again",
        type="password",
        autocomplete="new-password",
        repeats="new_password",
    ),
)

#: Confirm an email address: only the hidden ``token`` of the link.
VERIFY_EMAIL: tuple[Field, ...] = ()


class BadPost(Exception):
    """A post the integration cannot read: its status, code and message say why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session, made now if it has none.

    Put it in the ``csrf_token`` field of your own forms that post to the
    integration (a logout button), or in the ``X-CSRFToken`` header of JSON posts.
    """
    values = request.session.get(config.SESSION_KEY)
    values = values if isinstance(values, dict) else {}
    token = values.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[config.SESSION_KEY] = {**values, "csrf": token}
    return token


async def read_post(request: Request, *, body: bool = True) -> dict[str, str]:
    """The values of a post, once its CSRF token is checked: a form's fields, or a JSON object's text members.

    The token counts only in the ``X-CSRFToken`` header, or in the
    ``csrf_token`` field of a form body: never in the query string. Only text
    values of a JSON object count: a number or a list where text is expected
    reads as missing.

    :param body: False for a post whose body carries nothing but the token (logout): only the token is checked.
    :raises BadPost: 403 ``csrf_failed`` without a valid token; 415 for a body that is neither
        JSON nor a form; 400 ``invalid_input`` for a body too large, not UTF-8, or not a JSON object.
    """
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    raw = await _body(request)
    fields: dict[str, str] = {}
    if kind == FORM:
        try:
            fields = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            fields = {}
    sent = request.headers.get(config.CSRF_HEADER) or fields.pop(config.CSRF_FIELD, None)
    if not _same_token(request, sent):
        raise BadPost(403, "csrf_failed", MESSAGES["csrf_failed"])
    if kind == FORM or not body:
        return fields
    if kind != JSON and not kind.endswith("+json"):
        raise BadPost(415, "unsupported_media_type", MESSAGES["unsupported_media_type"])
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise BadPost(400, "invalid_input", MESSAGES["body_not_utf8"]) from None
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        data = None
    if not isinstance(data, dict):
        raise BadPost(400, "invalid_input", MESSAGES["body_not_json"])
    return {name: value for name, value in data.items() if isinstance(value, str)}


def openapi(fields: tuple[Field, ...], *hidden: str) -> dict[str, Any]:
    """How the API docs FastAPI serves (``/docs``) describe a post of ``fields``: its JSON and form bodies, and the CSRF header.

    :param hidden: the names of the hidden values the post also takes (``next``, ``token``).
    """
    properties: dict[str, Any] = {
        item.name: {
            "type": "string",
            "title": item.label,
            **({"format": "password"} if item.type == "password" else {}),
        }
        for item in fields
    }
    properties.update({name: {"type": "string"} for name in hidden})
    required = [item.name for item in fields if item.required] + [name for name in hidden if name == "token"]
    form = {**properties, config.CSRF_FIELD: {"type": "string"}}
    return {
        "parameters": [
            {
                "name": config.CSRF_HEADER,
                "in": "header",
                "required": False,
                "description": "The token from GET csrf, for a JSON body (a form carries it in its csrf_token field).",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": bool(properties),
            "content": {
                JSON: {"schema": {"type": "object", "properties": properties, "required": required}},
                FORM: {"schema": {"type": "object", "properties": form, "required": [*required, config.CSRF_FIELD]}},
            },
        },
    }


def filled(fields: tuple[Field, ...], values: dict[str, str], **hidden: str) -> Form:
    """A form of ``fields`` with the posted ``values``, and the hidden values it carries on."""
    return Form(fields, {item.name: values.get(item.name, "") for item in fields}, hidden)


async def _body(request: Request) -> bytes:
    """The body, read up to :data:`.config.MAX_BODY_SIZE` bytes.

    :raises BadPost: 400 when it is larger.
    """
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > config.MAX_BODY_SIZE:
            raise BadPost(400, "invalid_input", MESSAGES["body_too_large"])
        chunks.append(chunk)
    return b"".join(chunks)


def _same_token(request: Request, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of the request's session."""
    values = request.session.get(config.SESSION_KEY)
    expected = values.get("csrf") if isinstance(values, dict) else None
    if not isinstance(expected, str) or not expected or not sent:
        return False
    return secrets.compare_digest(expected.encode(), sent.encode())
