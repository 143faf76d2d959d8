"""Check ``[targets]``: which targets to generate, and each target's options.

Options name packages, namespaces and artifacts, so each must be a valid name
of its kind in the target's language and build tool.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from ..lines import KeyPath
from ..targets import TARGETS
from .report import Report, did_you_mean

_JAVA_PACKAGE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")
_DOTNET_NAMESPACE = re.compile(r"[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*\Z")
_PY_PACKAGE = re.compile(r"[a-z_][a-z0-9_]*\Z")
_DISTRIBUTION = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_NPM_PACKAGE = re.compile(r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*\Z")
_ARTIFACT = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")

#: Java keywords, which no part of a package name may be.
_JAVA_KEYWORDS = frozenset(
    """abstract assert boolean break byte case catch char class const continue default do double else enum
    extends final finally float for goto if implements import instanceof int interface long native new package
    private protected public return short static strictfp super switch synchronized this throw throws transient
    try void volatile while true false null _""".split()
)

#: How each target option is checked: (pattern, what it is, an example).
_OPTION_RULES: dict[str, tuple[re.Pattern[str], str, str]] = {
    "flask.package": (_PY_PACKAGE, "a Python package name", "flask_acme"),
    "flask.distribution": (_DISTRIBUTION, "a Python distribution name", "Flask-Acme"),
    "fastapi.package": (_PY_PACKAGE, "a Python package name", "fastapi_acme"),
    "fastapi.distribution": (_DISTRIBUTION, "a Python distribution name", "fastapi-acme"),
    "django.package": (_PY_PACKAGE, "a Python package name", "django_acme"),
    "django.distribution": (_DISTRIBUTION, "a Python distribution name", "django-acme"),
    "express.package": (_NPM_PACKAGE, "an npm package name", "express-acme"),
    "spring.group_id": (_JAVA_PACKAGE, "a Maven group id", "com.acme"),
    "spring.package": (_JAVA_PACKAGE, "a Java package name", "com.acme.auth"),
    "spring.artifact_id": (_ARTIFACT, "a Maven artifact id", "acme-spring-boot-starter"),
    "aspnetcore.namespace": (_DOTNET_NAMESPACE, "a .NET namespace", "Acme.AspNetCore"),
}


class TargetChecks(Report):
    """The ``[targets]`` table: the enabled targets and their options."""

    def targets(self, value: Any) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
        path = ("targets",)
        names = tuple(TARGETS)
        t = self.table(value, path, ("enabled", *names))
        enabled = self.enabled(t.get("enabled", list(names)))
        options = {name: self.target_options(name, t[name]) for name in names if name in t}
        return enabled, options

    def enabled(self, value: Any) -> tuple[str, ...]:
        path = ("targets", "enabled")
        if not isinstance(value, list) or not value:
            self.problem(path, "expected a non-empty array of target names", 'e.g. enabled = ["flask"]')
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or name not in TARGETS:
                self.problem((*path, i), f"unknown target {name!r}", did_you_mean(name, tuple(TARGETS)))
            elif name in out:
                self.problem((*path, i), f"target {name!r} is listed twice", "list each target once")
            else:
                out.append(name)
        return tuple(out)

    def target_options(self, target: str, value: Any) -> dict[str, str]:
        path = ("targets", target)
        t = self.table(value, path, TARGETS[target].options)
        options = {}
        for key, raw in t.items():
            text = self.typed(raw, (*path, key), str, "text")
            if text is not None and self.target_option(f"{target}.{key}", text, (*path, key)):
                options[key] = text
        return options

    def target_option(self, option: str, text: str, path: KeyPath) -> bool:
        if option not in _OPTION_RULES:
            return True
        pattern, what, example = _OPTION_RULES[option]
        keywords = {_JAVA_PACKAGE: _JAVA_KEYWORDS, _PY_PACKAGE: frozenset(keyword.kwlist)}.get(pattern, frozenset())
        reserved = [word for word in text.split(".") if word in keywords]
        if pattern.match(text) and not reserved:
            return True
        reason = f" ({reserved[0]!r} is a reserved word)" if reserved else ""
        self.problem(path, f"{text!r} is not {what}{reason}", f"e.g. {example!r}")
        return False
