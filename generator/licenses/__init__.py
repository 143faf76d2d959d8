"""The licences a generated package can carry, and the text of its LICENSE file.

Only licences whose full text ships here can be named in ``[package]``: a
package that says "MIT" in its metadata must also carry the MIT text, and
authgen never writes a LICENSE it does not have.  The texts are the SPDX
ones; ``{holder}`` is the copyright holder (no year, so output stays the same
from one year to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class License:
    #: the SPDX id, as written in pyproject, package.json, the .csproj.
    spdx: str
    #: the full name, as the POM's <licenses> wants it.
    name: str
    url: str

    def text(self, holder: str) -> str:
        """The LICENSE file, with ``holder`` named where the licence names one."""
        return (HERE / f"{self.spdx}.txt").read_text(encoding="utf-8").replace("{holder}", holder)


LICENSES: dict[str, License] = {
    lic.spdx: lic
    for lic in (
        License("MIT", "MIT License", "https://opensource.org/license/mit"),
        License("Apache-2.0", "Apache License, Version 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
        License("BSD-3-Clause", "BSD 3-Clause License", "https://opensource.org/license/bsd-3-clause"),
    )
}
