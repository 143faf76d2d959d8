"""What only the ASP.NET Core target needs: the .NET version, and the NuGet packages of the library and its tests.

The C# printer (:mod:`generator.emit.csharp`) knows C#, not ASP.NET Core; the
framework, the SDK and the packages are this target's.
The library itself builds on the shared framework (``Microsoft.AspNetCore.App``);
only Redis, for several instances of an application, needs packages of its
own. They ship with ASP.NET Core, so their version follows the framework's
patch release, the same as the test project's ``Microsoft.AspNetCore.Mvc.Testing``.
"""

from __future__ import annotations

from typing import Any

from .. import expr
from ..emit.csharp import option_property
from ..lang.csharp import interpolation_text, string
from ..lang.scalars import interpolated
from ..model import Spec

#: The target framework of every generated project: .NET 10, the current LTS.
TARGET_FRAMEWORK = "net10.0"

#: The SDK the generated ``global.json`` asks for at least (any newer one also builds).
SDK_VERSION = "10.0.100"

#: NuGet packages of the generated test project, at versions known to restore on net10.0.
PACKAGES = {
    "Microsoft.AspNetCore.Mvc.Testing": "10.0.15",
    "Microsoft.NET.Test.Sdk": "18.0.1",
    "xunit": "2.9.3",
    "xunit.runner.visualstudio": "3.1.5",
}

#: The ASP.NET Core patch release the packages below come from (the test project's, too).
ASPNETCORE_VERSION = PACKAGES["Microsoft.AspNetCore.Mvc.Testing"]

#: NuGet packages of the generated library: the Redis session store and the Data Protection key ring in Redis.
LIBRARY_PACKAGES = {
    "Microsoft.AspNetCore.DataProtection.StackExchangeRedis": ASPNETCORE_VERSION,
    "Microsoft.Extensions.Caching.StackExchangeRedis": ASPNETCORE_VERSION,
}

#: The OpenID Connect handler, for a spec with ``[service.oidc]``: it ships with ASP.NET Core, outside the shared
#: framework.
OIDC_PACKAGES = {"Microsoft.AspNetCore.Authentication.OpenIdConnect": ASPNETCORE_VERSION}

#: The labels of the provider's own pages on the sign-in page of an OIDC package.
OIDC_LINK_LABELS = {"register_url": "Create an account", "reset_url": "Forgot your password?"}


def context(spec: Spec) -> dict[str, Any]:
    """The ASP.NET Core part of the template context."""
    return {
        "target_framework": TARGET_FRAMEWORK,
        "sdk_version": SDK_VERSION,
        "packages": PACKAGES,
        "library_packages": {**LIBRARY_PACKAGES, **OIDC_PACKAGES} if spec.oidc else LIBRARY_PACKAGES,
        "oidc_links": oidc_links(spec),
        **policy_roles(spec),
    }


def oidc_links(spec: Spec) -> list[dict[str, str]]:
    """The provider's registration and reset pages, as C# expressions over the options (``settings``).

    ``${service.issuer}/signup?client_id=${service.client_id}`` becomes
    ``$"{settings.Issuer}/signup?client_id={Uri.EscapeDataString(settings.ClientId)}"``: the issuer is a URL
    prefix, every other reference a value in the URL, so it is percent-encoded.
    """
    if spec.oidc is None:
        return []
    links = []
    for key, label in OIDC_LINK_LABELS.items():
        template: expr.Template | None = getattr(spec.oidc, key)
        if template is None:
            continue
        text = template.literal_text()
        if text is not None:
            code = string(text)
        else:
            code = '$"' + interpolated(template.parts, interpolation_text, _link_hole) + '"'
        links.append({"text": label, "code": code})
    return links


def _link_hole(ref: expr.Ref) -> str:
    prop = f"settings.{option_property(ref.name)}"
    return "{" + (prop if (ref.ns, ref.name) == ("service", "issuer") else f"Uri.EscapeDataString({prop})") + "}"


def policy_roles(spec: Spec) -> dict[str, list[str]]:
    """The roles of the library's authorization policies: admins, and staff (whom admins count among).

    A spec without admin roles still gets a policy that can be met: the role ``admins``.
    """
    admin = list(spec.mapping.admin_roles) or ["admins"]
    staff = list(dict.fromkeys([*spec.mapping.staff_roles, *admin]))
    return {"admin_policy_roles": admin, "staff_policy_roles": staff}
