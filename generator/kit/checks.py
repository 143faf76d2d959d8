"""Assertions on answers, in the contract's terms; each failure says what the app answered.

pytest rewrites the asserts here (the kit's conftest registers this module),
so a failing check shows the values it compared.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import requests

from .client import HTML, JSON

#: Statuses a browser may be redirected with.
REDIRECTS = (302, 303)


def media_type(response: requests.Response) -> str:
    """The response's media type without parameters: ``text/html``."""
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


#: What betrays a stack trace or a server's file path in an answer: Python's, Node's, the JVM's and
#: .NET's traceback lines, a source file with a line number, and absolute paths under common roots.
INTERNALS = re.compile(
    r"Traceback \(most recent call last\)"
    r"|File \"[^\"]+\", line \d+"
    r"|^\s*at \S.*\(\S+:\d+(:\d+)?\)\s*$"
    r"|\bat [\w$.<>]+\([\w$]+\.java:\d+\)"
    r"|\bin \S+\.cs:line \d+"
    r"|\.(py|js|mjs|cjs|ts|java|kt|cs):\d+"
    r"|node_modules|site-packages"
    r"|(?<![\w.:/])/(home|tmp|usr|var|opt|root|work|srv|Users|private)/\S"
    r"|\b[A-Z]:\\\w",
    re.MULTILINE,
)
#: Values the kit never prints: tokens and passwords in JSON, hidden form fields (the CSRF token) in HTML.
_SECRETS = re.compile(
    r'("(?:csrf_token|password|access_token|refresh_token|id_token|token)"\s*:\s*")[^"]*(")'
    r"""|(<input\b[^>]*\btype=["']?hidden["']?[^>]*\bvalue=["']?)[^"'>\s]*(["']?)"""
)


def _mask(match: re.Match[str]) -> str:
    opening, closing = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"{opening}***{closing}"


def assert_no_internals(response: requests.Response) -> None:
    """The answer shows no stack trace and no file path of the server (docs/http-contract.md, "Robustness")."""
    found = INTERNALS.search(response.text)
    assert found is None, f"the answer shows the server's internals ({found.group(0)[:80]!r}): {describe(response)}"


def describe(response: requests.Response) -> str:
    """One line for failure messages: request, status, type, location and the start of the body.

    Tokens and passwords in a JSON body are masked: a failing kit run prints no secret.
    """
    request = response.request
    where = urlsplit(request.url or "")
    text = f"{request.method} {where.path}{'?' + where.query if where.query else ''} -> {response.status_code}"
    text += f" {media_type(response) or '(no Content-Type)'}"
    if "Location" in response.headers:
        text += f" Location: {response.headers['Location']}"
    body = _SECRETS.sub(_mask, response.text)[:300].replace("\n", " ")
    return f"{text} body: {body!r}" if body else text


def assert_status(response: requests.Response, *statuses: int) -> None:
    assert response.status_code in statuses, f"expected {' or '.join(map(str, statuses))}: {describe(response)}"


def assert_json(response: requests.Response, status: int) -> dict:
    """The response has ``status`` and a JSON object body; return it."""
    assert_status(response, status)
    assert media_type(response) == JSON, f"expected a JSON answer: {describe(response)}"
    body = response.json()
    assert isinstance(body, dict), f"expected a JSON object: {describe(response)}"
    return body


def assert_json_error(response: requests.Response, status: int, *codes: str) -> str:
    """The response is ``status`` with the contract's error body and one of ``codes``; return its message."""
    body = assert_json(response, status)
    assert set(body) == {"error"}, f"error body must be {{'error': {{...}}}} only: {describe(response)}"
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}, (
        f"error must have exactly 'code' and 'message': {describe(response)}"
    )
    assert isinstance(error["message"], str) and error["message"], f"empty error message: {describe(response)}"
    if codes:
        assert error["code"] in codes, f"expected code {' or '.join(codes)}: {describe(response)}"
    return error["message"]


def assert_html(response: requests.Response, *statuses: int) -> str:
    """The response has one of ``statuses`` and an HTML body; return the body."""
    assert_status(response, *statuses)
    assert media_type(response) == HTML, f"expected an HTML answer: {describe(response)}"
    return response.text


def assert_redirect(response: requests.Response, *statuses: int) -> tuple[str, str, dict[str, list[str]]]:
    """The response redirects (302/303 unless ``statuses`` say otherwise); return (site, path, query) of the target.

    ``site`` is ``scheme://host:port`` of the resolved location, so relative
    and absolute locations compare the same.
    """
    assert_status(response, *(statuses or REDIRECTS))
    location = response.headers.get("Location")
    assert location, f"redirect without Location: {describe(response)}"
    target = urlsplit(urljoin(response.request.url or "", location))
    return f"{target.scheme}://{target.netloc}", target.path, parse_qs(target.query)


def site_of(url: str) -> str:
    """``scheme://host:port`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def readable_forms(value: str) -> list[str]:
    """Every way a cookie value reads without a key: as sent, URL-decoded, and each part base64-decoded and inflated.

    Signed-but-not-encrypted cookies (``payload.timestamp.signature``) are
    readable this way; encrypted ones are not, which is the point of S17.
    """
    forms = [value, unquote(value)]
    for text in list(forms):
        for part in [text, *re.split(r"[.:|]", text)]:
            raw = _base64(part)
            if raw is None:
                continue
            for data in (raw, _inflate(raw)):
                if data:
                    forms.append(data.decode("utf-8", "replace"))
    return forms


def _base64(text: str) -> bytes | None:
    """``text`` decoded as base64 (either alphabet, padding optional), or None."""
    text = text.strip().translate(str.maketrans("+/", "-_"))
    if len(text) < 4 or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def _inflate(data: bytes) -> bytes | None:
    """``data`` decompressed with zlib or gzip, or None when it is not compressed."""
    for wbits in (zlib.MAX_WBITS, zlib.MAX_WBITS | 16, -zlib.MAX_WBITS):
        try:
            return zlib.decompress(data, wbits)
        except zlib.error:
            continue
    return None
