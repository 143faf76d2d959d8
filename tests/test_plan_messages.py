"""The message catalogue: one text per error code and per other event, safe to print anywhere, and in the contract."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.context import build_context
from generator.model import ERROR_KINDS
from generator.plan.messages import DATE_PATTERN, ERRORS, OIDC_ERRORS, TEXTS, catalogue, format_date
from generator.spec import load_spec
from generator.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "http-contract.md"

#: The codes the integrations answer with besides the service's error kinds (docs/http-contract.md, Errors).
OWN_CODES = (
    "failed",
    "unauthorized",
    "forbidden",
    "csrf_failed",
    "not_acceptable",
    "method_not_allowed",
    "unsupported_media_type",
    "too_many_attempts",
)


def test_every_error_code_has_exactly_one_message() -> None:
    assert set(ERRORS) == set(ERROR_KINDS) | set(OWN_CODES)


@pytest.mark.parametrize("words", [*ERRORS.values(), *OIDC_ERRORS.values(), *TEXTS.values()])
def test_texts_need_no_escaping_in_any_target(words: str) -> None:
    """Flask's and Django's pages are copied verbatim and Express reads a JSON file: no text may need escaping."""
    assert words == words.strip() and words
    assert not set(words) & set("<>&\"'\\{}%$`\n"), words


@pytest.mark.parametrize("message", [*ERRORS.values(), *OIDC_ERRORS.values()])
def test_error_messages_are_sentences(message: str) -> None:
    assert message[0].isupper() and message.endswith("."), message


def test_no_two_events_share_words() -> None:
    texts = [*ERRORS.values(), *OIDC_ERRORS.values(), *TEXTS.values()]
    assert len(texts) == len(set(texts))
    assert not set(ERRORS) & set(OIDC_ERRORS)


def test_the_contract_names_every_text() -> None:
    contract = CONTRACT.read_text(encoding="utf-8")
    missing = [words for words in [*ERRORS.values(), *OIDC_ERRORS.values(), *TEXTS.values()] if words not in contract]
    assert not missing, f"docs/http-contract.md does not name {missing}"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_target_context_has_the_catalogue(acme_spec: Path, target: str) -> None:
    assert build_context(load_spec(acme_spec), TARGETS[target])["messages"] == catalogue()


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 11, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=2))),
        datetime(2024, 3, 5, 9, 30),  # naive: UTC
    ],
)
def test_a_date_time_is_iso_8601_in_utc_to_the_second(value: datetime) -> None:
    text = format_date(value)
    assert text == "2024-03-05T09:30:00+00:00"
    assert re.match(DATE_PATTERN, text)
