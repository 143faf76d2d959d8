"""The spec-driven fake identity service (stdlib only).

It serves each operation of a spec exactly as the spec describes it, with
fixture users, and control endpoints under ``/__fake__/`` for tests.  authgen
copies this folder into every generated package (as ``fake/``, next to
``fake/expr.py`` and ``fake/spec.json``), so a package's tests need nothing
but ``python3``.
"""

from .fixtures import fixture_users, test_settings
from .server import FakeService, load_data, start

__all__ = ["FakeService", "fixture_users", "load_data", "start", "test_settings"]
