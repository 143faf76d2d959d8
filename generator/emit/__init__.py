"""Per-language emitters: literals, escaping and spec values as native code.

Each language module exposes ``FILTERS`` (Jinja filters its templates use)
and ``context(spec)`` (the language-specific part of a target's context).
"""

from __future__ import annotations

from markupsafe import escape

from . import python

#: Emitter modules by language name (targets.py names a target's language).
LANGUAGES = {"python": python}


def html(text: str) -> str:
    """Text safe in HTML element content and quoted attribute values."""
    return str(escape(text))


def filters() -> dict:
    """Every emitter's Jinja filters, for the rendering environment."""
    out = {"html": html}
    for module in LANGUAGES.values():
        out.update(module.FILTERS)
    return out
