"""The kit against a real identity service instead of the bundled fake (``authgen kit --service-env``).

The example app gets the real service's settings from an environment file
(the app's own variables, e.g. ``KEYCLOAK_URL``), and the kit's tests sign in
as the users of a test-users file: the same JSON the generated packages'
real-service mode reads (``<PREFIX>_TEST_USERS``)::

    {"admin": {"username": "ada", "password": "...", "roles": ["admin"]},
     "user": {"username": "alan", "password": "...", "roles": []},
     "disabled": {"username": "dana", "password": "..."}}

``admin`` has the role that guards ``/admin``, ``user`` lacks it, ``disabled``
is a disabled account, ``unverified`` (optional) has not verified its email
address.  ``roles`` are the roles a user has at least (a real service adds its
own, like Keycloak's ``default-roles-<realm>``); ``id``, ``email``,
``first_name`` and ``last_name``, when given, are checked exactly.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Spec
from .client import FixtureUser
from .errors import KitError

#: Why a test that steers the fake or counts its calls does not run against a real service.
NEEDS_FAKE = "needs the bundled fake service"
#: The test users every file must have, by what they are for.
REQUIRED_USERS = ("admin", "user", "disabled")
#: The canonical attributes a test-users file may give, checked exactly when given.
EXACT_ATTRIBUTES = ("id", "email", "first_name", "last_name")
#: Seconds the service gets to answer the kit's first request, before the app even starts.
REACHABLE_TIMEOUT = 10.0
#: One line of an environment file: ``NAME=value``, optionally after ``export``.
_ENV_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")


@dataclass(frozen=True)
class ExternalService:
    """A real identity service for the example app: its settings, and the users to sign in as."""

    #: the app's environment variables that point it at the service (``KEYCLOAK_URL`` ...)
    env: dict[str, str]
    #: the test-users file
    test_users: Path


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines; blank lines and ``#`` comments are skipped, quotes around a value removed.

    :raises KitError: when the file cannot be read or a line is not ``NAME=value``.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise KitError(subject=str(path), reason=f"cannot read the service settings ({err.strerror})") from err
    env = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if match is None:
            raise KitError(
                subject=f"{path}:{number}",
                reason="not a NAME=value line",
                details=["the file holds the example app's environment, e.g. KEYCLOAK_URL=http://127.0.0.1:8080"],
            )
        name, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[name] = value
    return env


def external_service(spec: Spec, env_file: Path, test_users: Path) -> ExternalService:
    """Read and check the settings and the users before anything starts.

    The service's base URL must be in the file (the app would otherwise use its
    default, which may be any server); every other required setting must be in the
    file or in the environment the kit runs in.

    :raises KitError: naming what is missing or unreadable.
    """
    env = read_env_file(env_file)
    settings = spec.service.settings
    base_url = next(s for s in settings if s.name == "base_url")
    problems = []
    if not env.get(base_url.env):
        problems.append(f"{base_url.env} (the service's URL) is not set in {env_file}")
    for setting in settings:
        if (
            setting.required
            and setting.name != "base_url"
            and not (env.get(setting.env) or os.environ.get(setting.env))
        ):
            problems.append(f"{setting.env} ({setting.description or setting.name}) is required and not set")
    unknown = sorted(set(env) - {s.env for s in settings})
    if problems:
        raise KitError(
            subject=str(env_file),
            reason="the example app cannot reach the service with these settings",
            details=[*problems, f"the spec's settings: {', '.join(s.env for s in settings)}"]
            + ([f"not settings of this spec (given to the app all the same): {', '.join(unknown)}"] if unknown else []),
        )
    read_test_users(str(test_users))  # a broken file fails here, not as a hundred test errors
    return ExternalService(env, Path(test_users).resolve())


def check_reachable(url: str, timeout: float = REACHABLE_TIMEOUT) -> None:
    """Fail at once, naming the URL, when nothing answers there: not as a hundred 503s later.

    Any HTTP answer counts, an error status included: the service is up.

    :raises KitError: when the connection fails or times out.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return
    except urllib.error.HTTPError:
        return
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise KitError(
            subject=url,
            reason=f"the service does not answer ({reason})",
            details=["start it, or correct the URL in the --service-env file"],
        ) from err


def read_test_users(config: str) -> list[FixtureUser]:
    """The users of a test-users file (``config``: its path, or the JSON itself), required ones first.

    :raises KitError: when the file cannot be read, is not the format above, or lacks a required user.
    """
    source = "the test users" if config.lstrip().startswith("{") else config
    try:
        text = config if source != config else Path(config).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as err:
        raise KitError(subject=source, reason=f"cannot read the test users ({err})") from err
    if not isinstance(data, dict):
        raise KitError(subject=source, reason='the test users must be a JSON object: {"admin": {...}, ...}')
    missing = [key for key in REQUIRED_USERS if key not in data]
    if missing:
        raise KitError(
            subject=source,
            reason=f"lacks the test users {', '.join(map(repr, missing))}",
            details=["admin has the role that guards /admin, user lacks it, disabled is a disabled account"],
        )
    users = []
    for key in sorted(data, key=lambda k: (k not in REQUIRED_USERS, k)):
        users.append(_user(source, key, data[key]))
    return users


def _user(source: str, key: str, given: Any) -> FixtureUser:
    if not (
        isinstance(given, dict) and isinstance(given.get("username"), str) and isinstance(given.get("password"), str)
    ):
        raise KitError(subject=source, reason=f"the user {key!r} needs a username and a password (strings)")
    roles = given.get("roles", [])
    if not (isinstance(roles, list) and all(isinstance(role, str) for role in roles)):
        raise KitError(subject=source, reason=f"the roles of {key!r} must be a list of strings")
    expected: dict[str, Any] = {name: given[name] for name in EXACT_ATTRIBUTES if name in given}
    expected.update(username=given["username"], roles=list(roles))
    if key == "admin":
        expected["is_admin"] = True  # it has the role that guards /admin, one of the spec's admin roles
    return FixtureUser(
        key,
        given["username"],
        given["password"],
        expected,
        # The record's own fields are the service's business: only their types are checked.
        fields={},
        disabled=key == "disabled",
        unverified=key == "unverified",
        exact=False,
    )
