"""The words a spec is written in: its schema, the keys of its tables, the names it may not use.

Constants only, no logic.  What one section alone reads lives beside that
section's checks; what several read, or what ``generator.spec`` publishes, is here.
"""

from __future__ import annotations

import keyword
import re

#: The spec schema this version of authgen reads.
SCHEMA = 1

#: Words that cannot be a slug or a field name in some target language.
RESERVED = frozenset(keyword.kwlist) | frozenset(
    """abstract arguments await boolean break byte case catch char class const continue debugger default
    delete do double else enum eval export extends false final finally float for function goto if implements
    import in instanceof int interface let long native new null package private protected public return short
    static super switch synchronized this throw throws transient true try typeof var void volatile while with
    yield base bool checked decimal delegate event explicit extern fixed foreach implicit internal is lock
    namespace object operator out override params readonly ref sbyte sealed sizeof stackalloc string struct
    uint ulong unchecked unsafe ushort using virtual record assert strictfp""".split()
)

#: Names a user field cannot take because the framework user objects already use them.
RESERVED_FIELDS = frozenset(
    {
        # Flask-Login's UserMixin and the generated Python user
        "is_active",
        "is_authenticated",
        "is_anonymous",
        "get_id",
        "password",
        "pk",
        "session",
        "to_dict",
        "from_record",
    }
)

#: Settings every integration has; ``[service.config]`` cannot reuse their names.
BUILTIN_SETTINGS = (
    "base_url",
    "api_key",
    "api_username",
    "api_password",
    "timeout",
    "retries",
    "session_ttl",
    "route_prefix",
    "branding",
    "brand_name",
    "logo_url",
    "primary_color",
    "login_limit_per_account",
    "login_limit_per_client",
    "login_limit_window",
    "signed_out_db",
    "redis_url",
)

#: The top-level keys of a spec, and those it must have.
TOP_KEYS = ("schema", "service", "operations", "user", "mapping", "targets", "package")
#: ``operations`` is required too, unless ``[service.oidc]`` signs users in instead.
REQUIRED_TOP = ("schema", "service", "user", "mapping")

#: The keys of ``[service]``, and of each step of an operation.
SERVICE_KEYS = ("name", "slug", "base_url", "timeout_s", "credentials", "config", "oidc")

#: The keys of ``[service.oidc]``, and those it must have.
OIDC_KEYS = ("issuer", "client_id", "client_secret", "scopes", "params", "register_url", "reset_url")
REQUIRED_OIDC = ("issuer", "client_id")
STEP_KEYS = ("method", "path", "query", "headers", "json", "form", "auth", "ok", "errors", "extract")

#: The kinds of service credentials; the first is the default.
CREDENTIAL_KINDS = ("none", "bearer", "basic", "header")

#: A snake_case name: of a field, a config setting or an extract.
FIELD = re.compile(r"[a-z][a-z0-9_]*\Z")
