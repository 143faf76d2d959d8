"""The same words in every target: each generated package says the catalogue's texts, and none of the old ones.

``generator.plan.messages`` holds every user-facing text once; the templates
take them from the context. Rendering the bundled spec (which has every
operation) for each target must therefore show every catalogue text in the
package, and none of the words the targets used to disagree on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.plan.messages import ERRORS, TEXTS
from generator.render import generate
from generator.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"

#: Where the words of a package live: its sources, pages and tests (tests assert on the words too).
SUFFIXES = {".py", ".html", ".js", ".json", ".ts", ".java", ".cs"}

#: What the targets said before the catalogue, where they disagreed: none of it may come back.
OLD_WORDS = (
    "Sign in first.",
    "Wrong username or password.",
    "Session expired",
    "You do not have permission to see this page.",
    "Please fill in every field with valid details.",
    "Signing in is not possible right now.",
    "This form has expired. Please try again.",
    "The form has expired or did not come from this site.",
    "The request has no valid CSRF token.",
    "The form has expired or lacks its security token.",
    "This resource cannot be answered in a format the client accepts.",
    "This method is not allowed here.",
    "This route does not serve this method.",
    "This route cannot answer in any of the types the Accept header asks for.",
    "This route cannot answer in the media type the request accepts.",
    "Send application/json or a form (application/x-www-form-urlencoded).",
    "Post a form, or JSON with Content-Type: application/json.",
    "The body is not valid JSON.",
    "The JSON body must be an object.",
    "Some of the details are not valid.",
    "The request is not valid.",
    "Fill in every field.",
    "Enter your username and password.",
    "Enter the new password twice.",
    "Check your inbox.",
    '"Check your inbox"',
)


def package_text(folder: Path) -> str:
    """Every source, page and test of a generated package, as one text."""
    skip = {"node_modules", "target", "bin", "obj", ".venv", "package-lock.json"}
    files = sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file() and not skip & set(p.parts))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


#: Texts only some targets need. A body the integration cannot read: the others answer it with the
#: ``invalid_input`` message. The CSRF page's title and link: ASP.NET Core answers with the posted form
#: again (a fresh token in it, the message above it), so it has no page of its own.
ONLY_IN = {
    "body_not_json": {"django", "express", "fastapi", "flask", "spring"},
    "body_too_large": {"express", "fastapi", "spring"},
    "body_not_utf8": {"express", "fastapi"},
    "csrf_title": {"django", "express", "fastapi", "flask", "spring"},
    "csrf_retry": {"django", "express", "fastapi", "flask", "spring"},
    # Spring Boot's own error handling answers an unexpected failure of the Spring integration
    "internal_error": {"aspnetcore", "django", "express", "fastapi", "flask"},
    # links and lines only some targets' pages have
    "home_link": {"django", "express", "spring"},
    "other_account": {"django", "spring"},
    "forgot_intro": {"django", "express", "fastapi", "flask", "spring"},
    # a page of its own after the reset link is sent; the others show the notice on the forgot page
    "forgot_sent_title": {"aspnetcore", "express"},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("words")
    generate(ACME, out, list(TARGETS))
    return out


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_error_message_of_the_catalogue_is_in_the_package(generated: Path, target: str) -> None:
    text = package_text(generated / target)
    missing = {code: message for code, message in ERRORS.items() if message not in text}
    assert not missing, f"{target} does not say the catalogue's words for {sorted(missing)}"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_other_text_of_the_catalogue_is_in_the_package(generated: Path, target: str) -> None:
    text = package_text(generated / target)
    expected = {key: words for key, words in TEXTS.items() if target in ONLY_IN.get(key, {target})}
    missing = {key: words for key, words in expected.items() if words not in text}
    assert not missing, f"{target} does not say the catalogue's words for {sorted(missing)}"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_no_old_divergent_words_remain(generated: Path, target: str) -> None:
    text = package_text(generated / target)
    # not inside a longer word: "AcmeServiceSession expired" is Java, not words
    left = [words for words in OLD_WORDS if re.search(rf"(?<![A-Za-z]){re.escape(words)}", text)]
    assert not left, f"{target} still says {left}"
