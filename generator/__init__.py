"""authgen: generate drop-in authentication integrations for web frameworks.

The library API is :func:`generator.render.generate`; the CLI in
:mod:`generator.cli` only parses options and calls it.
"""

__version__ = "0.1.0"
