"""The Jinja extension cookiecutter loads for authgen templates.

It only registers the emitters' escaping filters, so that every spec string
lands in generated code through one escaping function per context.
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
