"""The HTTP side of the fake identity service: a threaded stdlib server on a background thread.

Use it in-process::

    with start(load_data("fake/spec.json")) as fake:
        requests.post(fake.url + "/v1/sessions", json={...})

or from a shell with ``python -m fake fake/spec.json`` (see :mod:`.__main__`).
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import control, fixtures
from .exchange import Reply, Request, json_reply
from .service import IdentityService

#: Seconds an idle keep-alive connection is kept open.
IDLE_TIMEOUT = 30

#: Seconds between the server loop's checks for stop(); what stop() waits at most.
POLL_INTERVAL = 0.05

#: The largest chunk-size line of a chunked request body.
MAX_LINE = 65537


def load_data(path: str | Path) -> dict:
    """Read what the fake serves: ``{"spec": ..., "settings": ...}``.

    :param path: a JSON file of that shape (``fake/spec.json`` in a generated
        package), or a TOML spec, served with :func:`fixtures.test_settings`.
    :raises OSError: when the file cannot be read.
    :raises ValueError: when it is not valid JSON or TOML of that shape.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        import tomllib  # only here: Python 3.11+, while JSON data works on older Pythons too

        spec = tomllib.loads(text)
        return {"spec": spec, "settings": fixtures.test_settings(spec)}
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        raise ValueError(f"{path}: expected a JSON object with 'spec' and 'settings'")
    if not isinstance(data.get("settings", {}), dict):
        raise ValueError(f"{path}: 'settings' must be an object of setting name -> value")
    return {"spec": data["spec"], "settings": data.get("settings") or fixtures.test_settings(data["spec"])}


def start(data: dict, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> FakeService:
    """Start serving ``data`` (see :func:`load_data`) on a background thread; port 0 picks a free port."""
    return FakeService(data, host, port, verbose=verbose).start()


class FakeService:
    """The fake identity service, listening on ``url`` once started.

    :param verbose: log each request to stderr (method, the spec's path template and the status; never values).
    """

    def __init__(self, data: dict, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> None:
        self._httpd = _Server((host, port), _Handler)
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
        #: where the fake listens, e.g. ``http://127.0.0.1:54321``; the integration's base URL.
        self.url = f"http://{shown}:{self._httpd.server_port}"
        #: the behaviour and state behind the HTTP server: an OpenID provider for a spec with [service.oidc].
        try:
            self.service = _service_class(data["spec"])(data["spec"], data["settings"], self.url)
        except BaseException:
            self._httpd.server_close()  # e.g. the OIDC fake without the cryptography package
            raise
        self._httpd.service = self.service
        self._httpd.verbose = verbose
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(POLL_INTERVAL,), name="fake-identity-service", daemon=True
        )

    def start(self) -> FakeService:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close the socket; requests still running are abandoned."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> FakeService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _service_class(spec: dict) -> type:
    """What serves ``spec``: the operations it describes, or an OpenID provider (imported only then)."""
    if "oidc" not in spec.get("service", {}):
        return IdentityService
    from .oidc import OidcProvider

    return OidcProvider


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver listens with a queue of 5. A service takes many connections at once (the kit's 20
    # concurrent sign-ins, the scale test's 8 at a time on two instances); past 5 waiting ones the
    # kernel drops them and the client retries after 1 s, then 3 s, which on a loaded machine ran
    # past the app's 5 s service timeout: a sign-in answered 503 in CI. 128 is Werkzeug's and
    # Linux's default queue.
    request_queue_size = 128
    service: IdentityService
    verbose: bool


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP into :class:`Request` and :class:`Reply`; all behaviour lives in the service."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "authgen-fake"
    timeout = IDLE_TIMEOUT

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default access log: it prints query strings, which may hold secrets."""

    def _serve(self) -> None:
        try:
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self._body())
        except ValueError as err:
            self.close_connection = True  # what is left of the body cannot be told from the next request
            self._send(json_reply(400, {"error": str(err)}))
            return
        try:
            if control.is_control(request.path):
                reply = control.answer(self.server.service, request)
            else:
                reply = self.server.service.answer(request)
        except Exception:  # a bug in the fake: say so, rather than leave the client hanging
            traceback.print_exc()
            reply = json_reply(500, {"error": "the fake identity service failed; see its stderr"})
        self._log(request, reply)
        if reply.drop:
            self.close_connection = True
            return
        self._send(reply)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body()
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            raise ValueError("Content-Length is not a number")
        return self.rfile.read(int(length))

    def _chunked_body(self) -> bytes:
        """Read a ``Transfer-Encoding: chunked`` body, which some HTTP clients (.NET) send for JSON."""
        chunks = []
        while True:
            line = self.rfile.readline(MAX_LINE).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError as err:
                raise ValueError("malformed chunked body") from err
            if size == 0:
                while self.rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_LINE)

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a delay fault, a timeout)

    def _log(self, request: Request, reply: Reply) -> None:
        if self.server.verbose:
            outcome = "dropped" if reply.drop else str(reply.status)
            print(f"fake: {reply.label or request.method} -> {outcome}", file=sys.stderr, flush=True)
