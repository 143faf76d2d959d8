"""The service's settings as every template lists them: what is the same in each language.

A setting's name, its environment variable, and whether it is required or a
secret read the same in every target; the printers add how their language
spells it (a config key, an option, a property) and its default and test
value as literals.
"""

from __future__ import annotations

from typing import Any

from ..model import Setting


def setting_row(setting: Setting, **spelled: Any) -> dict[str, Any]:
    """``setting`` as a template reads it: the shared facts, then the language's own keys (which may refine them).

    :param spelled: the language's keys (``attr``, ``option``, ``default`` ...).
    """
    return {"name": setting.name, "env": setting.env, "required": setting.required, "secret": setting.secret, **spelled}


def nullable(setting: Setting) -> bool:
    """Whether the setting may be unset at run time: not required, and without a default."""
    return not setting.required and setting.default is None
