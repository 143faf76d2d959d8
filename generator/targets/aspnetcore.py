"""What only the ASP.NET Core target needs: the library's own NuGet packages.

The library itself builds on the shared framework (``Microsoft.AspNetCore.App``);
only Redis, for several instances of an application, needs packages of its
own. They ship with ASP.NET Core, so their version follows the framework's
patch release, the same as the test project's ``Microsoft.AspNetCore.Mvc.Testing``.
"""

from __future__ import annotations

from typing import Any

from ..emit.csharp import PACKAGES
from ..model import Spec

#: The ASP.NET Core patch release the packages below come from (the test project's, too).
ASPNETCORE_VERSION = PACKAGES["Microsoft.AspNetCore.Mvc.Testing"]

#: NuGet packages of the generated library: the Redis session store and the Data Protection key ring in Redis.
LIBRARY_PACKAGES = {
    "Microsoft.AspNetCore.DataProtection.StackExchangeRedis": ASPNETCORE_VERSION,
    "Microsoft.Extensions.Caching.StackExchangeRedis": ASPNETCORE_VERSION,
}


def context(spec: Spec) -> dict[str, Any]:
    """The ASP.NET Core part of the template context."""
    return {"library_packages": LIBRARY_PACKAGES}
