"""The fake as an OpenID provider, for a spec with ``[service.oidc]``: the authorization-code flow with PKCE.

Its issuer is exactly its base URL.  The fixture users sign in on a small
HTML form with the same usernames and passwords as everywhere; a user's
record is their claims (``sub`` is their id).  ID tokens are signed with RS256
by an RSA key made at start (the ``cryptography`` package, imported only
here); access and refresh tokens are opaque.

=====  ====================================  ============================================
GET    /.well-known/openid-configuration     the discovery document
GET    /authorize                            the sign-in form (or a code at once, with a
                                             provider session and no ``prompt=login``)
POST   /authorize                            the form's answer: 302 to the redirect URI
                                             with ``code`` (or ``error=access_denied`` for a
                                             disabled user), or the form again
POST   /token                                ``authorization_code`` and ``refresh_token``
GET    /jwks                                 the public key
GET    /userinfo (and POST)                  the claims, for a Bearer access token
GET    /logout                               end-session: ends the provider session
=====  ====================================  ============================================

What a relying party must get right is refused when it does not: an unknown
client or missing PKCE at authorize (a 400 page), a wrong client secret (401
``invalid_client``), a code used twice, a code verifier that does not match
the challenge or a redirect URI other than authorize's (400 ``invalid_grant``).
Refresh tokens rotate: each works once.  Ending the provider session (logout)
ends its refresh and access tokens.  The controls under ``/__fake__/oidc/``
(see :mod:`.control`) expire access tokens, change their lifetime, and make
the next ID token wrong in one way, so tests see the relying party refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import time
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from .exchange import DROP, Reply, Request, json_reply
from .state import Handle, State

#: What an ID token lasts, in seconds.
ID_TOKEN_S = 300

#: What an authorization code lasts, in seconds.
CODE_S = 60

#: The provider session's cookie.
SESSION_COOKIE = "fake_oidc_session"

#: The ways ``/__fake__/oidc/tamper`` can make the next ID token wrong.
TAMPERS = ("issuer", "audience", "signature", "expired", "nonce")

#: The endpoints, by the names call counts and faults use.
ENDPOINTS = ("discovery", "authorize", "token", "jwks", "userinfo", "logout")

#: What the form says after a wrong password.
INVALID_LOGIN = "Invalid username or password."

_PATHS = {
    "/.well-known/openid-configuration": "discovery",
    "/authorize": "authorize",
    "/token": "token",
    "/jwks": "jwks",
    "/userinfo": "userinfo",
    "/logout": "logout",
}

#: The authorization request parameters the form carries back, hidden: the ones the flow sets
#: (generator.validate.oidc.FLOW_PARAMS, written again here because the fake is copied into packages
#: without the generator; a test keeps the two in step) and ``prompt``, which the fake reads.
_REQUEST_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
)

_KID = "fake-oidc-1"


class MissingCryptography(ImportError):
    """The OIDC fake signs ID tokens with the ``cryptography`` package, which is not installed."""

    def __init__(self) -> None:
        super().__init__("the OIDC fake needs the cryptography package: pip install cryptography")


class Signer:
    """An RSA key made at start: signs ID tokens (RS256) and publishes its public half as a JWKS."""

    def __init__(self) -> None:
        try:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding, rsa
        except ImportError as err:
            raise MissingCryptography() from err
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._sign = lambda data: self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def jwt(self, claims: dict, *, bad_signature: bool = False) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": _KID}
        signing_input = _b64json(header) + "." + _b64json(claims)
        signature = bytearray(self._sign(signing_input.encode("ascii")))
        if bad_signature:
            signature[0] ^= 0xFF  # any changed bit breaks it
        return signing_input + "." + _b64(bytes(signature))

    def jwks(self) -> dict:
        numbers = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": _KID,
                    "n": _b64(_unsigned(numbers.n)),
                    "e": _b64(_unsigned(numbers.e)),
                }
            ]
        }


@dataclass
class Code:
    """An authorization code, until it is used (once) or runs out."""

    user: str
    session: int
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    nonce: str | None
    deadline: float
    used: bool = False


@dataclass
class Grant:
    """What an access or refresh token stands for (it works while :class:`State` lists it as handed out)."""

    user: str
    session: int
    scope: str
    nonce: str | None


@dataclass
class ProviderState:
    """What the provider remembers besides the users: codes, tokens, sessions and the controls' settings."""

    codes: dict[str, Code] = field(default_factory=dict)
    access: dict[str, Grant] = field(default_factory=dict)
    refresh: dict[str, Grant] = field(default_factory=dict)
    #: session cookie value -> provider session (a run of :class:`State`, counted in its sessions).
    cookies: dict[str, int] = field(default_factory=dict)
    #: provider session -> when the user signed in (epoch seconds), for ``auth_time``.
    auth_times: dict[int, int] = field(default_factory=dict)
    tamper: str | None = None


class Refused(Exception):
    """A request the provider refuses, with the reply that says why."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class OidcProvider:
    """An OpenID provider whose issuer is ``base_url``, for the users of ``spec``.

    :param settings: the integration's test settings: its ``client_id`` and
        (for a confidential client) ``client_secret``.
    """

    def __init__(self, spec: dict, settings: dict[str, str], base_url: str) -> None:
        self.spec = spec
        self.settings = settings
        self.base_url = self.issuer = base_url
        self.oidc = spec["service"]["oidc"]
        self.confidential = "client_secret" in self.oidc
        self.signer = Signer()
        self.state = State(spec)
        self.reset()

    @property
    def operation_names(self) -> tuple[str, ...]:
        """What faults may name: the endpoints."""
        return ENDPOINTS

    def reset(self) -> None:
        """Forget codes, tokens and sessions (the users are :class:`State`'s, reset with it)."""
        with self.state.lock:
            self.provider = ProviderState()
            for name in ENDPOINTS:
                self.state.counts.setdefault(name, 0)

    # -- dispatch ------------------------------------------------------------

    def answer(self, request: Request) -> Reply:
        name = _PATHS.get(request.path)
        if name is None:
            reply = json_reply(404, {"error": f"the OpenID provider has no {request.path}"})
            self.state.note_request(request.method, request.path, None, reply.status)
            return reply
        with self.state.lock:
            self.state.counts[name] = self.state.counts.get(name, 0) + 1
            fault = self.state.take_fault(name)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        with self.state.lock:
            if fault is not None and fault.drop:
                reply = DROP
            elif fault is not None and fault.status is not None:
                reply = json_reply(fault.status, {"error": "temporarily_unavailable"})
            elif fault is not None and fault.body is not None:
                reply = Reply(200, fault.body.encode("utf-8"), "application/json; charset=utf-8")
            else:
                try:
                    reply = getattr(self, "_" + name)(request)
                except Refused as refused:
                    reply = refused.reply
            self.state.note_request(request.method, request.path, None, None if reply.drop else reply.status)
        return replace(reply, label=f"oidc {name}")

    # -- endpoints -------------------------------------------------------------

    def _discovery(self, request: Request) -> Reply:
        _allow(request, "GET")
        base = self.issuer
        methods = ["client_secret_basic", "client_secret_post"] if self.confidential else ["none"]
        return json_reply(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "userinfo_endpoint": base + "/userinfo",
                "jwks_uri": base + "/jwks",
                "end_session_endpoint": base + "/logout",
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": methods,
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": list(self.oidc.get("scopes", ["openid", "profile", "email"])),
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid"],
            },
        )

    def _jwks(self, request: Request) -> Reply:
        _allow(request, "GET")
        return json_reply(200, self.signer.jwks())

    def _authorize(self, request: Request) -> Reply:
        _allow(request, "GET", "POST")
        if request.method == "GET":
            params = _single(request.query)
            self._check_authorize(params)
            session = self._cookie_session(request)
            if session is not None and "login" not in params.get("prompt", "").split():
                return self._signed_in(params, self.state.sessions[session], session)
            return _html(200, self._form(params))
        form = _single(_form(request))
        params = {k: v for k, v in form.items() if k in _REQUEST_PARAMS}
        self._check_authorize(params)
        key = self.state.find_user(form.get("username", ""))
        if key is None or self.state.users[key]["password"] != form.get("password"):
            return _html(200, self._form(params, INVALID_LOGIN))
        if key in self.state.disabled:
            return _redirect(params["redirect_uri"], {"error": "access_denied", "state": params.get("state")})
        session = self.state.new_run()
        self.state.open_session(session, key)
        self.provider.auth_times[session] = int(time.time())
        cookie = secrets.token_urlsafe(18)
        self.provider.cookies[cookie] = session
        reply = self._signed_in(params, key, session)
        cookie_header = ("Set-Cookie", f"{SESSION_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax")
        return replace(reply, headers=(*reply.headers, cookie_header))

    def _token(self, request: Request) -> Reply:
        _allow(request, "POST")
        form = _single(_form(request))
        self._authenticate_client(request, form)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(form)
        if grant_type == "refresh_token":
            return self._refresh_grant(form)
        raise Refused(_oauth_error(400, "unsupported_grant_type", "use authorization_code or refresh_token"))

    def _userinfo(self, request: Request) -> Reply:
        _allow(request, "GET", "POST")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.provider.access.get(token) if scheme.lower() == "bearer" else None
        if grant is None or token not in self.state.handles:
            return _bearer_error("the access token is unknown or has been revoked")
        if self.state.expired(token):
            return _bearer_error("the access token has expired")
        if not self._usable(grant.user) or grant.session not in self.state.sessions:
            return _bearer_error("the user's session has ended")
        return json_reply(200, self._claims(grant.user))

    def _logout(self, request: Request) -> Reply:
        _allow(request, "GET", "POST")
        params = _single(request.query if request.method == "GET" else _form(request))
        session = None
        if "id_token_hint" in params:
            claims = self._hint_claims(params["id_token_hint"])
            session = claims.get("sid")
        cookie_session = self._cookie_session(request)
        session = session if session is not None else cookie_session
        redirect = params.get("post_logout_redirect_uri")
        if redirect and "id_token_hint" not in params and params.get("client_id") != self.settings.get("client_id"):
            raise Refused(
                _html(400, _page("Sign-out refused", "A post-logout redirect needs id_token_hint or client_id."))
            )
        if isinstance(session, int):
            self._end_session(session)
        if cookie_session is not None and cookie_session != session:
            self._end_session(cookie_session)
        expired_cookie = ("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
        if redirect:
            reply = _redirect(redirect, {"state": params.get("state")})
        else:
            reply = _html(200, _page("Signed out", "You are signed out."))
        return replace(reply, headers=(*reply.headers, expired_cookie))

    # -- authorize ---------------------------------------------------------------

    def _check_authorize(self, params: dict[str, str]) -> None:
        """Refuse, with a page (never a redirect to an unchecked URI), an authorization request that is wrong."""
        problems = []
        if params.get("client_id") != self.settings.get("client_id"):
            problems.append("unknown client_id")
        if not _is_url(params.get("redirect_uri", "")):
            problems.append("redirect_uri must be an absolute http(s) URL")
        if params.get("response_type") != "code":
            problems.append("response_type must be code")
        if "openid" not in params.get("scope", "").split():
            problems.append('scope must include "openid"')
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            problems.append("PKCE is required: code_challenge with code_challenge_method=S256")
        if problems:
            raise Refused(_html(400, _page("Invalid sign-in request", "; ".join(problems) + ".")))

    def _signed_in(self, params: dict[str, str], key: str, session: int) -> Reply:
        """The redirect back with a fresh code (or ``access_denied`` for a disabled user)."""
        if not self._usable(key):
            return _redirect(params["redirect_uri"], {"error": "access_denied", "state": params.get("state")})
        code = secrets.token_urlsafe(24)
        self.provider.codes[code] = Code(
            key,
            session,
            params["client_id"],
            params["redirect_uri"],
            params["code_challenge"],
            params.get("scope", "openid"),
            params.get("nonce"),
            time.monotonic() + CODE_S,
        )
        return _redirect(params["redirect_uri"], {"code": code, "state": params.get("state")})

    def _form(self, params: dict[str, str], error: str = "") -> str:
        hidden = "\n".join(
            f'    <input type="hidden" name="{name}" value="{html.escape(params[name])}">'
            for name in _REQUEST_PARAMS
            if name in params
        )
        alert = f'  <p role="alert" class="error">{html.escape(error)}</p>\n' if error else ""
        name = html.escape(self.spec["service"]["name"])
        body = (
            f"{alert}"
            '  <form method="post" action="/authorize">\n'
            f"{hidden}\n"
            '    <label>Username <input name="username" autocomplete="username" required></label>\n'
            '    <label>Password <input name="password" type="password" autocomplete="current-password"'
            " required></label>\n"
            '    <button type="submit">Sign in</button>\n'
            "  </form>\n"
        )
        return _document(f"Sign in to {name}", body)

    def _cookie_session(self, request: Request) -> int | None:
        """The live provider session the request's cookie names, if any."""
        for part in request.headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE:
                session = self.provider.cookies.get(value)
                if session is not None and session in self.state.sessions:
                    return session
        return None

    # -- token -------------------------------------------------------------------

    def _authenticate_client(self, request: Request, form: dict[str, str]) -> None:
        """client_secret_basic or client_secret_post; a public client sends its client_id alone."""
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except ValueError:
                raise Refused(_oauth_error(401, "invalid_client", "malformed Basic credentials")) from None
            client_id, _, secret = decoded.partition(":")
            client_id, secret = _form_unquote(client_id), _form_unquote(secret)
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if client_id != self.settings.get("client_id"):
            raise Refused(_oauth_error(401, "invalid_client", "unknown client"))
        if self.confidential and secret != self.settings.get("client_secret"):
            raise Refused(_oauth_error(401, "invalid_client", "the client secret is missing or wrong"))

    def _code_grant(self, form: dict[str, str]) -> Reply:
        code = self.provider.codes.get(form.get("code", ""))
        if code is None:
            raise Refused(_oauth_error(400, "invalid_grant", "unknown authorization code"))
        if code.used:
            self._revoke_code_tokens(code)
            raise Refused(_oauth_error(400, "invalid_grant", "the authorization code was already used"))
        code.used = True
        if time.monotonic() >= code.deadline:
            raise Refused(_oauth_error(400, "invalid_grant", "the authorization code has expired"))
        if form.get("redirect_uri") != code.redirect_uri:
            raise Refused(_oauth_error(400, "invalid_grant", "redirect_uri is not the one of the authorization"))
        verifier = form.get("code_verifier", "")
        if not verifier or _b64(hashlib.sha256(verifier.encode("ascii", "replace")).digest()) != code.challenge:
            raise Refused(_oauth_error(400, "invalid_grant", "the code_verifier does not match the code_challenge"))
        if not self._usable(code.user) or code.session not in self.state.sessions:
            raise Refused(_oauth_error(400, "invalid_grant", "the user's session has ended"))
        return self._tokens(Grant(code.user, code.session, code.scope, code.nonce))

    def _refresh_grant(self, form: dict[str, str]) -> Reply:
        token = form.get("refresh_token", "")
        grant = self.provider.refresh.pop(token, None)  # rotation: each refresh token works once
        if grant is None or token not in self.state.handles:
            raise Refused(_oauth_error(400, "invalid_grant", "the refresh token is unknown, used or revoked"))
        self.state.revoke(token)
        if not self._usable(grant.user) or grant.session not in self.state.sessions:
            raise Refused(_oauth_error(400, "invalid_grant", "the user's session has ended"))
        return self._tokens(grant)

    def _tokens(self, grant: Grant) -> Reply:
        """New tokens for ``grant``'s session, handed out as :class:`State` values of that session.

        So they end with the session, ``/__fake__/expire`` and ``/__fake__/tokens``
        apply to the access tokens, and ``/__fake__/calls`` lists all three as
        issued (tests check that none reaches a browser cookie).
        """
        access = self._issue(grant, "access_token", expires=True)
        refresh = self._issue(grant, "refresh_token")
        self.provider.access[access] = grant
        self.provider.refresh[refresh] = grant
        id_token = self._id_token(grant)
        self.state.handles[id_token] = Handle("token", 1, "id_token", grant.session, grant.user)
        doc = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.state.token_ttl),
            "refresh_token": refresh,
            "id_token": id_token,
            "scope": grant.scope,
        }
        reply = json_reply(200, doc)
        return replace(reply, headers=(("Cache-Control", "no-store"), ("Pragma", "no-cache")))

    def _issue(self, grant: Grant, name: str, *, expires: bool = False) -> str:
        return self.state.issue(Handle("token", 1, name, grant.session, grant.user), expires=expires)

    def _revoke_code_tokens(self, code: Code) -> None:
        """A replayed code: the tokens of its session are revoked too (RFC 6749 section 4.1.2)."""
        for value in [v for v, handle in self.state.handles.items() if handle.run == code.session]:
            self.state.revoke(value)

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            **self._claims(grant.user),
            "iss": self.issuer,
            "aud": self.settings.get("client_id", ""),
            "azp": self.settings.get("client_id", ""),
            "iat": now,
            "exp": now + ID_TOKEN_S,
            "auth_time": self.provider.auth_times.get(grant.session, now),
            "sid": grant.session,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        tamper, self.provider.tamper = self.provider.tamper, None
        if tamper == "issuer":
            claims["iss"] = self.issuer + "/another-issuer"
        elif tamper == "audience":
            claims["aud"] = claims["azp"] = "another-client"  # a token issued to another client
        elif tamper == "expired":
            claims["iat"], claims["exp"] = now - 2 * ID_TOKEN_S, now - ID_TOKEN_S
        elif tamper == "nonce":
            claims["nonce"] = "not-the-nonce-" + secrets.token_urlsafe(8)
        return self.signer.jwt(claims, bad_signature=tamper == "signature")

    # -- sessions and users ------------------------------------------------------

    def _claims(self, key: str) -> dict:
        """A user's claims: their record, with ``sub`` their id unless the record has one."""
        user = self.state.users[key]
        record = json.loads(json.dumps(user["record"]))
        record.setdefault("sub", str(user["expected"]["id"]))
        return record

    def _usable(self, key: str) -> bool:
        return key in self.state.users and key not in self.state.disabled and key not in self.state.deleted

    def _end_session(self, session: int) -> None:
        """End a provider session: its cookie and every token handed out for it stop working."""
        self.state.end_session(session)
        self.provider.auth_times.pop(session, None)
        for cookie in [c for c, s in self.provider.cookies.items() if s == session]:
            del self.provider.cookies[cookie]

    def _hint_claims(self, token: str) -> dict:
        """The claims of an ``id_token_hint`` this provider issued (it may have expired); refused otherwise."""
        try:
            _, payload, _ = token.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            claims = None
        if not isinstance(claims, dict) or claims.get("iss") != self.issuer:
            raise Refused(_html(400, _page("Sign-out refused", "id_token_hint is not an ID token of this provider.")))
        return claims

    # -- controls (/__fake__/oidc/...) ----------------------------------------------

    def expire_access_tokens(self) -> int:
        """Every access token issued so far expires now (as ``/__fake__/expire``); return how many."""
        return self.state.expire_tokens()

    def set_lifetime(self, seconds: float) -> None:
        """The lifetime of access tokens issued from now on (as ``/__fake__/tokens``)."""
        with self.state.lock:
            self.state.token_ttl = seconds

    def set_tamper(self, how: str) -> None:
        with self.state.lock:
            self.provider.tamper = how

    def session_count(self) -> int:
        with self.state.lock:
            return len(self.state.sessions)


# -- helpers -----------------------------------------------------------------------


def _allow(request: Request, *methods: str) -> None:
    if request.method not in methods:
        raise Refused(json_reply(405, {"error": f"use {' or '.join(methods)} here"}))


def _single(params: dict[str, list[str]]) -> dict[str, str]:
    """A query or form as one value per name: the first."""
    return {name: values[0] for name, values in params.items() if values}


def _form(request: Request) -> dict[str, list[str]]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise Refused(json_reply(400, {"error": "invalid_request", "error_description": "send a form body"}))
    try:
        return parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise Refused(
            json_reply(400, {"error": "invalid_request", "error_description": "the form is not UTF-8"})
        ) from None


def _form_unquote(text: str) -> str:
    """Basic credentials are form-encoded first (RFC 6749 section 2.3.1)."""
    return unquote_plus(text)


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def _redirect(uri: str, params: dict[str, str | None]) -> Reply:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    location = uri + ("&" if urlsplit(uri).query else "?") + query if query else uri
    return Reply(302, b"", None, headers=(("Location", location), ("Cache-Control", "no-store")))


def _oauth_error(status: int, error: str, description: str) -> Reply:
    reply = json_reply(status, {"error": error, "error_description": description})
    if status == 401:
        return replace(reply, headers=(("WWW-Authenticate", 'Basic realm="fake"'),))
    return reply


def _bearer_error(description: str) -> Reply:
    reply = json_reply(401, {"error": "invalid_token", "error_description": description})
    header = f'Bearer error="invalid_token", error_description="{description}"'
    return replace(reply, headers=(("WWW-Authenticate", header),))


def _html(status: int, text: str) -> Reply:
    return Reply(status, text.encode("utf-8"), "text/html; charset=utf-8", headers=(("Cache-Control", "no-store"),))


def _page(title: str, message: str) -> str:
    return _document(html.escape(title), f"  <p>{html.escape(message)}</p>\n")


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        f'<head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body>\n  <h1>{title}</h1>\n{body}</body>\n"
        "</html>\n"
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(doc: dict) -> str:
    return _b64(json.dumps(doc, separators=(",", ":")).encode("utf-8"))


def _unsigned(number: int) -> bytes:
    return number.to_bytes((number.bit_length() + 7) // 8 or 1, "big")
