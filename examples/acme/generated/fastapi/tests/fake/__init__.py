"""The spec-driven fake identity service (stdlib only).

It serves each operation of a spec exactly as the spec describes it, with
fixture users, and control endpoints under ``/__fake__/`` for tests.  authgen
copies this folder into every generated package (as ``fake/``, next to
``fake/expr.py`` and ``fake/spec.json``), so a package's tests need nothing
but ``python3``.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Where each name of the package lives.  Imported on first use: authgen's
#: generator needs only the fixtures, and the server pulls in http.server.
_EXPORTS = {
    "FakeService": "server",
    "fixture_users": "fixtures",
    "load_data": "server",
    "start": "server",
    "test_settings": "fixtures",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
