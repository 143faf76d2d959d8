"""Per-language emitters: literals, escaping and spec values as native code.

Each language module (``python``, ``js``, ``java``, ``csharp``) exposes
``FILTERS`` (the Jinja filters its templates use) and
``context(spec, test_values, names)`` (the language part of a target's context;
``names`` are the target's package names, for a language whose code needs them).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from markupsafe import escape


def html(text: str) -> str:
    """Text safe in HTML element content and quoted attribute values."""
    return str(escape(text))


def language(name: str) -> ModuleType:
    """The emitter module of a language, e.g. ``language("python")``."""
    return importlib.import_module(f"{__name__}.{name}")


@cache
def filters() -> dict:
    """Every emitter's Jinja filters, for the rendering environments."""
    out = {"html": html}
    for info in pkgutil.iter_modules(__path__):
        out.update(getattr(language(info.name), "FILTERS", {}))
    return out
