"""The Jinja extension that lets cookiecutter itself render authgen's templates.

authgen renders with ``generator.tree``, which registers the emitters'
escaping filters directly; a context built by ``build_context`` names this
extension in ``_extensions`` so that ``cookiecutter``'s ``generate_files``
renders the same templates to the same files (``tests/test_tree.py`` and
the benchmarks' floor rely on it).
"""

from __future__ import annotations

from jinja2 import Environment
from jinja2.ext import Extension

from .emit import filters


class AuthgenExtension(Extension):
    """Adds the ``py``, ``pycomment``, ``pydoc``, ``html`` ... filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(filters())
