"""Check ``[package]``: what every generated package says about itself when published.

Version, licence, copyright holder, authors and repository reach each
ecosystem's metadata (pyproject, package.json, the POM, the .csproj) and the
LICENSE file, so they are checked here once, in the forms all of them accept.
"""

from __future__ import annotations

import re
from typing import Any

from ..licenses import LICENSES
from ..model import Author, Package
from .report import Report, did_you_mean

#: X.Y.Z with an optional pre-release: valid for PEP 440 (after normalising), SemVer, Maven and NuGet alike.
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(alpha|beta|rc)\.?[0-9]+)?\Z")
_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?\Z")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+\Z")
#: Characters that would break a POM, a .csproj or a LICENSE line if written into a name.
_PLAIN = re.compile(r"[^\x00-\x1f<>\"&]+\Z")


class PackageChecks(Report):
    """The ``[package]`` table."""

    def package(self, value: Any) -> Package:
        path = ("package",)
        t = self.table(value, path, ("version", "license", "copyright", "authors", "repository"))
        defaults = Package()
        version = self.matching(
            t.get("version", defaults.version),
            (*path, "version"),
            _VERSION,
            "a version X.Y.Z",
            'e.g. version = "1.2.0" or "1.2.0-rc.1"',
        )
        license_ = t.get("license", defaults.license)
        if self.typed(license_, (*path, "license"), str, "an SPDX licence id") is not None and license_ not in LICENSES:
            hint = did_you_mean(license_, tuple(LICENSES))
            self.problem((*path, "license"), f"authgen has no text for the licence {license_!r}", hint)
        holder = self.matching(
            t.get("copyright", ""), (*path, "copyright"), _PLAIN, "a name", 'e.g. copyright = "Acme Inc."', empty=True
        )
        repository = self.matching(
            t.get("repository", ""),
            (*path, "repository"),
            _URL,
            "an https URL",
            'e.g. repository = "https://github.com/acme/integrations"',
            empty=True,
        )
        authors = self.authors(t.get("authors", []))
        return Package(version or "", license_, holder or "", authors, repository or "")

    def authors(self, value: Any) -> tuple[Author, ...]:
        path = ("package", "authors")
        hint = 'e.g. authors = [{ name = "Acme DX", email = "dx@acme.example" }]'
        if self.typed(value, path, list, "an array of tables", hint) is None:
            return ()
        authors = []
        for i, item in enumerate(value):
            t = self.table(item, (*path, i), ("name", "email"), ("name",), hint=hint)
            name = self.matching(t.get("name", ""), (*path, i, "name"), _PLAIN, "a name", hint)
            email = self.matching(
                t.get("email", ""),
                (*path, i, "email"),
                _EMAIL,
                "an email address",
                'e.g. email = "dx@acme.example"',
                empty=True,
            )
            if name:
                authors.append(Author(name, email or ""))
        return tuple(authors)

    def matching(
        self, value: Any, path, pattern: re.Pattern[str], what: str, hint: str, *, empty: bool = False
    ) -> str | None:
        """``value`` when it is a string ``pattern`` matches (or "" when ``empty`` allows), else None and a problem."""
        if self.typed(value, path, str, what, hint) is None:
            return None
        if (empty and value == "") or pattern.match(value):
            return value
        self.problem(path, f"expected {what}, got {value!r}", hint)
        return None
