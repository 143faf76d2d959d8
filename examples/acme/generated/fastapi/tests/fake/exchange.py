"""A request as the fake received it and the reply it gives, apart from the HTTP server.

Keeping these plain lets the service's behaviour be written and read without
``http.server`` in the way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    """One HTTP request: header names lower-cased, the body as received."""

    method: str
    target: str  # the path and query string as sent
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)


@dataclass(frozen=True)
class Reply:
    """What to answer; ``drop`` closes the connection without answering at all."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    drop: bool = False
    #: how the log names what answered (a spec step, a control endpoint); never holds secrets.
    label: str = ""
    #: more response headers (Location, Set-Cookie, WWW-Authenticate ...), as (name, value) pairs.
    headers: tuple[tuple[str, str], ...] = ()


#: The reply that closes the connection without a word (a network failure, as seen by the client).
DROP = Reply(0, drop=True)


def json_reply(status: int, doc: object, label: str = "") -> Reply:
    """A JSON reply; ``doc`` None means no body (for 204 and the like)."""
    if doc is None:
        return Reply(status, label=label)
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, "application/json; charset=utf-8", label=label)


def text_reply(status: int, text: str, label: str = "") -> Reply:
    """A reply with raw text that claims to be JSON: how a broken service answers."""
    return Reply(status, text.encode("utf-8"), "application/json; charset=utf-8", label=label)
