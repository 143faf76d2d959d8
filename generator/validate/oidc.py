"""Check ``[service.oidc]``: sign-in through an OpenID provider's authorization-code flow.

With ``[service.oidc]`` the provider signs users in, refreshes and ends their
sessions, registers them and resets their passwords: the spec describes no
operations (a link to the provider's registration and reset pages takes the
place of ``register`` and ``forgot_password``), no ``base_url`` (the issuer's
discovery document says where the provider's endpoints are) and no
``credentials`` (the client id and secret authenticate the integration).  The
user record is the ID token's claims, overlaid by userinfo's: ``[user]``
pointers read claims.
"""

from __future__ import annotations

import re
from typing import Any

from .. import expr
from ..lines import KeyPath
from ..model import OIDC_SETTINGS, OPERATIONS, Field, Oidc, Setting
from ..targets import TARGETS
from .report import listed
from .service import ServiceChecks
from .vocabulary import OIDC_KEYS, REQUIRED_OIDC

#: The scopes asked for when the spec lists none.
DEFAULT_SCOPES = ("openid", "profile", "email")

#: Authorization request parameters the flow sets itself: ``params`` cannot replace them.
FLOW_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)

#: The ``${service.x}`` settings a provider page's URL may name (never the secret).
LINK_SETTINGS = ("issuer", "client_id")

#: What takes the place of each operation with [service.oidc].
_INSTEAD = {
    "register": "link the provider's registration page with register_url in [service.oidc]",
    "forgot_password": "link the provider's reset-credentials page with reset_url in [service.oidc]",
    "reset_password": "link the provider's reset-credentials page with reset_url in [service.oidc]",
}
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+\Z")  # RFC 6749 scope-token
_PARAM = re.compile(r"[A-Za-z0-9._~-]+\Z")
_URL = re.compile(r"https?://[^/\s]")
_SCOPES_HINT = 'e.g. scopes = ["openid", "profile", "email"]'


class OidcChecks(ServiceChecks):
    """``[service.oidc]``, and what it changes elsewhere in the spec."""

    #: the raw ``register_url`` / ``reset_url`` values, checked once ``[service.config]`` is known.
    _oidc_links: dict[str, Any]

    def oidc(self, value: Any, settings: list[tuple[KeyPath, Setting]]) -> Oidc | None:
        """The provider's settings (added to ``settings``), scopes and parameters; links come later."""
        path = ("service", "oidc")
        self._oidc_links = {}
        t = self.table(value, path, OIDC_KEYS, REQUIRED_OIDC, "write [service.oidc] with issuer and client_id")
        issuer = self.oidc_setting(t, "issuer", settings)
        client_id = self.oidc_setting(t, "client_id", settings)
        secret = self.oidc_setting(t, "client_secret", settings) if "client_secret" in t else None
        scopes = self.scopes(t.get("scopes", list(DEFAULT_SCOPES)), (*path, "scopes"))
        params = self.params(t.get("params", {}), (*path, "params"))
        self._oidc_links = {key: t[key] for key in ("register_url", "reset_url") if key in t}
        if issuer and issuer.default is not None and not _URL.match(issuer.default):
            self.problem(
                (*path, "issuer", "default"),
                f"{issuer.default!r} is not an http(s) URL",
                "the issuer is a URL, e.g. https://id.example.com/realms/main",
            )
            return None
        if issuer is None or client_id is None or ("client_secret" in t and secret is None):
            return None
        if scopes is None or params is None or t.misspelt:
            return None
        return Oidc(issuer, client_id, secret, scopes, params)

    def oidc_setting(self, t: dict, name: str, settings: list[tuple[KeyPath, Setting]]) -> Setting | None:
        """One of the provider's settings; issuer and client_id are required unless they have a default."""
        if name not in t:
            return None
        path = ("service", "oidc", name)
        setting = self.setting(t[name], path, name)
        if setting is None:
            return None
        required = setting.required or setting.default is None
        secret = setting.secret or name == "client_secret"  # a client secret is one, written or not
        setting = Setting(setting.name, setting.env, setting.default, required, secret, setting.description)
        settings.append(((*path, "env"), setting))
        return setting

    def scopes(self, value: Any, path: KeyPath) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(path, "expected a non-empty array of scope names", _SCOPES_HINT)
            return None
        seen: list[str] = []
        for i, scope in enumerate(value):
            if not isinstance(scope, str) or not _SCOPE.match(scope):
                self.problem((*path, i), f"{scope!r} is not a scope name", "one word per scope, no spaces or quotes")
                return None
            if scope in seen:
                self.problem((*path, i), f"scope {scope!r} is listed twice", "list each scope once")
                return None
            seen.append(scope)
        if "openid" not in seen:
            self.problem(path, 'the scopes do not include "openid"', 'add "openid": without it there is no ID token')
            return None
        return tuple(seen)

    def params(self, value: Any, path: KeyPath) -> tuple[tuple[str, str], ...] | None:
        """Extra authorization request parameters, e.g. ``{ prompt = "login" }``."""
        if self.typed(value, path, dict, "a table of parameter = text", 'e.g. params = { prompt = "login" }') is None:
            return None
        out = []
        ok = True
        for name, text in value.items():
            ppath = (*path, name)
            if name in FLOW_PARAMS:
                self.problem(ppath, f"the sign-in sets {name!r} itself", "remove it; the flow fills it in")
                ok = False
            elif not _PARAM.match(name):
                self.problem(ppath, f"{name!r} is not a query parameter name", "use letters, digits and . _ ~ -")
                ok = False
            elif self.typed(text, ppath, str, "text", f'write {name} = "...", in quotes') is None:
                ok = False
            else:
                out.append((name, text))
        return tuple(out) if ok else None

    def oidc_links(self, oidc: Oidc | None) -> Oidc | None:
        """``oidc`` with its provider pages' URLs, once the names ``${config.x}`` may use are known."""
        for name in sorted(set(self.config_names or ()) & set(OIDC_SETTINGS)):
            self.problem(
                ("service", "config", name),
                f"{name!r} is already a setting of [service.oidc]",
                f"use ${{service.{name}}}, or choose another name" if name in LINK_SETTINGS else "choose another name",
            )
            oidc = None
        links = {key: self.link(raw, ("service", "oidc", key)) for key, raw in self._oidc_links.items()}
        if oidc is None or any(link is None for link in links.values()):
            return None
        return Oidc(**{**oidc.__dict__, **links})

    def link(self, value: Any, path: KeyPath) -> expr.Template | None:
        """A page's URL: text with ``${config.x}``, ``${service.issuer}`` or ``${service.client_id}`` in it."""
        example = 'e.g. "${service.issuer}/protocol/openid-connect/registrations"'
        text = self.typed(value, path, str, "a URL", example)
        if text is None:
            return None
        try:
            template = expr.parse_template(text)
        except expr.ExprError as err:
            self.problem(path, str(err), err.hint)
            return None
        ok = True
        for ref in template.refs:
            if ref.ns == "config" and (self.config_names is None or ref.name in self.config_names):
                continue
            if ref.ns == "service" and ref.name in LINK_SETTINGS:
                continue
            names = [f"${{service.{n}}}" for n in LINK_SETTINGS] + [f"${{config.{n}}}" for n in self.config_names or ()]
            self.problem(path, f"${{{ref}}} cannot be used in a link", f"a link may use {listed(tuple(names))}")
            ok = False
        first = template.parts[0] if template.parts else None
        if ok and isinstance(first, expr.Lit) and not _URL.match(first.text):
            self.problem(path, f"{text!r} is not an http(s) URL", example)
            ok = False
        return template if ok else None

    def check_oidc_spec(self, top: dict, user: tuple[Field, ...]) -> None:
        """What ``[service.oidc]`` rules out elsewhere: operations, and pointers that read no claim."""
        operations = top.get("operations")
        if isinstance(operations, dict) and operations:
            for name in operations:
                hint = _INSTEAD.get(name, "the provider does it: remove this operation")
                what = f"{name} operation" if name in OPERATIONS else f"operation {name!r}"
                message = f"[service.oidc] signs users in, so the spec describes no {what}"
                self.problem(("operations", name), message, hint)
        elif "operations" in top:
            self.problem(("operations",), "[service.oidc] signs users in, so the spec has no operations", "remove it")
        for item in user:
            if not item.pointer.tokens:
                self.problem(
                    ("user", item.name, "from"),
                    "the user record is the claims object, not a value",
                    'point at a claim, e.g. from = "/sub"',
                )

    def check_oidc_targets(self, top: dict, enabled: tuple[str, ...]) -> tuple[str, ...]:
        """The enabled targets that support [service.oidc]; a problem for each written one that does not."""
        supported = tuple(name for name in enabled if TARGETS[name].supports_oidc)
        written = top.get("targets", {}).get("enabled") if isinstance(top.get("targets"), dict) else None
        if isinstance(written, list):
            can = tuple(name for name, target in TARGETS.items() if target.supports_oidc)
            for i, name in enumerate(written):
                if name in enabled and name not in supported:
                    self.problem(
                        ("targets", "enabled", i),
                        f"{name} does not support [service.oidc] yet",
                        f"enable {listed(can)} for this spec",
                    )
        return supported
