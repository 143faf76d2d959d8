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


def context(spec: Spec) -> dict[str, Any]:
    """The ASP.NET Core part of the template context."""
    return {
        "target_framework": TARGET_FRAMEWORK,
        "sdk_version": SDK_VERSION,
        "packages": PACKAGES,
        "library_packages": LIBRARY_PACKAGES,
        **policy_roles(spec),
    }


def policy_roles(spec: Spec) -> dict[str, list[str]]:
    """The roles of the library's authorization policies: admins, and staff (whom admins count among).

    A spec without admin roles still gets a policy that can be met: the role ``admins``.
    """
    admin = list(spec.mapping.admin_roles) or ["admins"]
    staff = list(dict.fromkeys([*spec.mapping.staff_roles, *admin]))
    return {"admin_policy_roles": admin, "staff_policy_roles": staff}
