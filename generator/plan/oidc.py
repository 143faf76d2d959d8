"""What a target needs to sign users in through an OpenID provider (``[service.oidc]``).

Plain data, the same for every target: the environment variables of the
provider's settings, the scopes (as a list and as the ``scope`` parameter's
text), the extra authorization parameters, and the provider's registration and
reset pages as template text (``${service.issuer}/...``) each target prints in
its own language.  A spec without ``[service.oidc]`` gets ``{}``.
"""

from __future__ import annotations

from typing import Any

from .. import expr
from ..model import Spec


def oidc_context(spec: Spec) -> dict[str, Any]:
    """``is_oidc`` and ``oidc`` for the template context: False and {} for a password spec."""
    oidc = spec.oidc
    if oidc is None:
        return {"is_oidc": False, "oidc": {}}
    return {
        "is_oidc": True,
        "oidc": {
            "issuer_env": oidc.issuer.env,
            "client_id_env": oidc.client_id.env,
            "client_secret_env": oidc.client_secret.env if oidc.client_secret else "",
            "scopes": list(oidc.scopes),
            "scope": " ".join(oidc.scopes),
            "params": [[name, value] for name, value in oidc.params],
            "register_url": template_text(oidc.register_url),
            "reset_url": template_text(oidc.reset_url),
        },
    }


def template_text(template: expr.Template | None) -> str:
    """A link as the spec wrote it, ``${...}`` references included; "" for none."""
    if template is None:
        return ""
    return "".join(part.text if isinstance(part, expr.Lit) else "${" + str(part) + "}" for part in template.parts)
