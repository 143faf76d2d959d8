"""Syntax of the languages authgen writes: literals, escaping, naming, layout.

One module per language (``python``, ``js``, ``java``, ``csharp``); nothing here knows
the spec.  What the code *says* is decided in :mod:`generator.plan` and put
together by the emitters in :mod:`generator.emit`; this package only says how
a value is *spelled* in each language.  Names shared by every language (keeping
clear of reserved words and of names already taken) live in :mod:`.names`.
"""
