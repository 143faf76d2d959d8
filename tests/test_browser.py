"""The browser tests' plumbing: the suite the kit's runner starts, the branded copy, the README pictures.

The browser tests themselves need Chromium and run in ``nox -s browser-<target>``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.browser.run import BRAND, BROWSER_SUITE, SUITE_DIR, branded
from generator.kit.package import load_package
from generator.kit.runner import KIT, KIT_DIR, pytest_command
from generator.render import generate
from generator.targets import TARGETS

SPEC = Path(__file__).resolve().parent.parent / "examples" / "acme" / "identity.toml"
#: The line of each package README that shows its login page, and the picture's place in the package.
PICTURE = "docs/login.png"
#: Targets whose pages can be served here to take the picture (ASP.NET Core needs the .NET SDK).
PICTURED = ["flask", "django", "express", "spring"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser") / "out"
    generate(SPEC, folder)
    return folder


def test_the_browser_suite_runs_in_its_folder_with_the_kit_fixtures(out: Path) -> None:
    pkg = load_package(out / "flask")
    command = pytest_command(
        pkg, "http://app", "http://fake", ["--branded-app-url=http://b"], quiet=True, suite=BROWSER_SUITE
    )
    assert str(SUITE_DIR) in command and f"--confcutdir={SUITE_DIR}" in command
    assert command[command.index("-p", command.index("no:cacheprovider")) + 1] == "generator.kit.conftest"
    assert command[-1] == "--branded-app-url=http://b"


def test_the_kit_alone_loads_no_plugin_and_not_the_browser_suite(out: Path) -> None:
    command = pytest_command(load_package(out / "flask"), "http://app", "http://fake", [], quiet=True, suite=KIT)
    assert str(KIT_DIR) in command and str(SUITE_DIR) not in command
    assert "generator.kit.conftest" not in command


@pytest.mark.parametrize("target", ["flask", "django", "express", "spring"])
def test_the_branded_copy_sets_the_documented_variables(out: Path, target: str) -> None:
    (variables,) = branded(load_package(out / target)).values()
    assert variables == {
        "ACME_BRAND_NAME": BRAND["name"],
        "ACME_LOGO_URL": BRAND["logo_url"],
        "ACME_PRIMARY_COLOR": BRAND["primary_color"],
    }


@pytest.mark.parametrize("target", PICTURED)
def test_each_readme_shows_its_login_page(out: Path, target: str) -> None:
    """The README names the picture, and the package holds it, copied byte for byte from the template."""
    package = out / target
    assert f"]({PICTURE})" in (package / "README.md").read_text(encoding="utf-8")
    template = TARGETS[target].template_dir / "{{cookiecutter.project_dir}}" / PICTURE
    picture = (package / PICTURE).read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n"), "a PNG"
    assert picture == template.read_bytes()
