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


#: The exception subclass of each error kind (``<Name><Kind>Exception``), with its summary.
ERROR_KINDS = (
    ("InvalidCredentials", "The username or password is wrong, or the service session has ended."),
    ("AccountDisabled", "The account exists but may not sign in."),
    ("UserNotFound", "The service does not know the user (any more)."),
    ("Conflict", "The account already exists."),
    ("InvalidInput", "The service rejected the data sent to it."),
    (
        "ServiceUnavailable",
        "The service is down, too slow, or answered something unusable: the integration fails closed.",
    ),
    ("Expired", "The service session's access token has expired."),
    ("InvalidToken", "The token of an emailed link is not valid, or was already used."),
    ("ExpiredToken", "The token of an emailed link has expired."),
    ("PasswordPolicy", "The new password does not meet the service's password policy."),
    ("Unverified", "The account's email address is not verified yet."),
)


def context(spec: Spec) -> dict[str, Any]:
    """The ASP.NET Core part of the template context."""
    kinds = [list(k) for k in ERROR_KINDS]
    return {"library_packages": LIBRARY_PACKAGES, "error_kinds": kinds, **_until_life_spec(spec)}


def _until_life_spec(spec: Spec) -> dict[str, Any]:  # TEMPORARY: h-life-spec's context keys, dropped at the merge
    return {
        "has_refresh": spec.has("refresh"),
        "has_logout": spec.has("logout"),
        "has_reset_password": spec.has("reset_password"),
        "has_change_password": spec.has("change_password"),
        "has_verify_email": spec.has("verify_email"),
        "reset_token_query": "token",
        "verify_token_query": "token",
    }
