"""The generated package under test: which target it is and what its fake knows.

``authgen generate`` copies the fake identity service into every package,
with ``spec.json`` beside it: ``{"spec": <the spec as data>, "settings":
{<setting name>: <test value>}}``.  The kit reads that copy, so it tests a
package against exactly the spec it was generated from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import manifest
from ..errors import AuthgenError
from ..model import Spec
from ..spec import build_spec
from ..targets import TARGETS, Target
from .errors import KitError

#: The file, inside a package's fake folder, that holds the spec and the test settings.
SPEC_DATA = "spec.json"


@dataclass(frozen=True)
class KitPackage:
    """A generated package: its folder, its target, its spec and the settings of its tests."""

    root: Path
    target: Target
    spec: Spec
    #: test values of the service settings, by setting name (``base_url``, ``api_key`` ...)
    settings: dict[str, str]

    @property
    def fake_dir(self) -> Path:
        """The package's copy of the fake identity service."""
        return self.root / self.target.fake_dir

    @property
    def spec_data(self) -> Path:
        return self.fake_dir / SPEC_DATA


def load_package(path: Path) -> KitPackage:
    """Identify the generated package at ``path`` and read its spec.

    The folder's name is the target's name, and the output folder above it
    records that target in its manifest.

    :raises KitError: when ``path`` is not a generated package.
    """
    root = Path(path).resolve()
    target = _target_of(root)
    data_file = root / target.fake_dir / SPEC_DATA
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
        raw, settings = data["spec"], data["settings"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise KitError(
            subject=str(data_file),
            reason=f"cannot read the fake's spec data ({err})",
            details=["regenerate the package with `authgen generate`"],
        ) from err
    spec = build_spec(raw, str(data_file))
    return KitPackage(root, target, spec, {str(k): str(v) for k, v in settings.items()})


def service_env(package: KitPackage, fake_url: str) -> dict[str, str]:
    """The environment variables that point the example app at the fake.

    ``base_url`` (or an OpenID provider's ``issuer``) becomes the fake's URL;
    every other service setting (credentials, ``[service.config]``, the
    client's id and secret) gets its test value.
    """
    oidc = package.spec.oidc
    env = {}
    for setting in package.spec.service.settings:
        if setting.name == "base_url" or (oidc is not None and setting == oidc.issuer):
            env[setting.env] = fake_url
        elif setting.name in package.settings:
            env[setting.env] = package.settings[setting.name]
    return env


def _target_of(root: Path) -> Target:
    """The target a package folder was generated for.

    :raises KitError: when the folder is not a package ``authgen generate`` wrote.
    """
    out = root.parent
    how_to = [
        "pass a target's folder inside an output folder of `authgen generate`, e.g. integrations/flask",
        "create one with `authgen generate -o OUT -t TARGET`",
    ]
    try:
        recorded = manifest.load(out)
    except AuthgenError as err:
        raise KitError(subject=str(root), reason=f"not a generated package ({err})", details=how_to) from err
    if recorded is None:
        raise KitError(
            subject=str(root), reason=f"not a generated package: no {manifest.MANIFEST} in {out}", details=how_to
        )
    if root.name not in recorded.targets or root.name not in TARGETS:
        known = ", ".join(sorted(recorded.targets)) or "none"
        raise KitError(
            subject=str(root),
            reason=f"not a generated package: {out / manifest.MANIFEST} lists the targets {known}, not {root.name!r}",
            details=how_to,
        )
    return TARGETS[root.name]
