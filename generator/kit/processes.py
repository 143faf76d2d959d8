"""Start, watch and stop the two processes the kit needs: the fake and the example app.

Each process runs in a session of its own, so that stopping it also stops
whatever it started, and a Ctrl-C in the terminal reaches only the kit,
which then stops both.  Their output is read in the background and kept
short, so a process never blocks on a full pipe and a failure can show the
last lines it wrote.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import KitError
from .package import KitPackage

#: How the fake announces its address on its first line of output.
FAKE_LISTENING = re.compile(r"fake listening on (http://\S+)")
#: Seconds the fake may take to print its address.
FAKE_START_TIMEOUT = 20.0
#: Seconds the example app may take to answer its first request (a JVM or a build can be slow).
APP_START_TIMEOUT = float(os.environ.get("AUTHGEN_KIT_START_TIMEOUT", "120"))
#: Seconds an install command may take.
INSTALL_TIMEOUT = 900.0
#: Seconds a process gets to exit after SIGTERM before it is killed.
STOP_GRACE = 5.0
#: Lines of output shown when a process fails.
SHOWN_LINES = 20


class OutputTail:
    """The last lines a process wrote to one stream, read by a background thread."""

    def __init__(self, stream: IO[str], keep: int = 500) -> None:
        self._lines: deque[str] = deque(maxlen=keep)
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self._lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def last(self, count: int = SHOWN_LINES) -> list[str]:
        with self._changed:
            return list(self._lines)[-count:]

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str] | None:
        """The first line matching ``pattern``, waiting up to ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self._lines:
                    if match := pattern.search(line):
                        return match
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    return None
                self._changed.wait(left)


@dataclass
class Process:
    """A running child process and the tails of its output."""

    #: what it is, for messages: "the fake identity service", "the example app"
    role: str
    command: list[str]
    popen: subprocess.Popen[str]
    stdout: OutputTail
    stderr: OutputTail

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def last_output(self, count: int = SHOWN_LINES) -> list[str]:
        """The last lines of stderr, or of stdout when stderr is empty."""
        return self.stderr.last(count) or self.stdout.last(count)

    def failure(self, reason: str) -> KitError:
        """A :class:`KitError` naming this process's command, with its last output."""
        details = [f"command: {shlex.join(self.command)}"]
        details += [f"| {line}" for line in self.last_output()]
        return KitError(subject=self.role, reason=reason, details=details)

    def stop(self) -> None:
        """Stop the process and everything it started: SIGTERM, then SIGKILL for whatever is left.

        Signals go to the process's own group, which it leads (its session),
        and only while it runs, so no one else's process is ever hit.
        """
        if not self.running:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.popen.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        self._signal_group(signal.SIGKILL)  # children that outlived it, or it, when it ignored SIGTERM
        self.popen.wait()

    def _signal_group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass  # nothing of it is left


def start(role: str, command: list[str], *, cwd: Path, env: Mapping[str, str]) -> Process:
    """Start ``command`` in ``cwd`` in a session of its own.

    :raises KitError: when the command cannot be started at all.
    """
    try:
        popen = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as err:
        raise KitError(subject=role, reason=f"cannot run {shlex.join(command)}: {err.strerror}") from err
    assert popen.stdout is not None and popen.stderr is not None
    return Process(role, command, popen, OutputTail(popen.stdout), OutputTail(popen.stderr))


def command_line(template: str, **values: str) -> list[str]:
    """Split a registry command after filling in ``{python}``, ``{port}`` ..., each value quoted."""
    return shlex.split(template.format(**{k: shlex.quote(v) for k, v in values.items()}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_fake(package: KitPackage, python: str) -> tuple[Process, str]:
    """Start the package's copy of the fake on a free port; return it and its URL.

    :raises KitError: when the fake does not announce its address in time.
    """
    fake_dir = package.fake_dir
    command = [python, "-m", fake_dir.name, str(package.spec_data), "--port", "0"]
    fake = start("the fake identity service", command, cwd=fake_dir.parent, env=os.environ)
    match = fake.stdout.wait_for(FAKE_LISTENING, FAKE_START_TIMEOUT)
    if match is None:
        fake.stop()
        raise fake.failure(f"did not print 'fake listening on URL' within {FAKE_START_TIMEOUT:.0f} s")
    return fake, match.group(1).rstrip("/")


def install_app(package: KitPackage, python: str, env: Mapping[str, str]) -> None:
    """Run the target's install commands in the package folder.

    :raises KitError: when a command fails, with its last output.
    """
    for template in package.target.kit_install:
        command = with_uv(command_line(template, python=python))
        try:
            done = subprocess.run(
                command,
                cwd=package.root,
                env=dict(env),
                capture_output=True,
                text=True,
                errors="replace",
                timeout=INSTALL_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise KitError(subject="installing the example app", reason=f"{shlex.join(command)}: {err}") from err
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()[-SHOWN_LINES:]
            raise KitError(
                subject="installing the example app",
                reason=f"{shlex.join(command)} exited with {done.returncode}",
                details=[f"| {line}" for line in lines],
            )


def with_uv(command: list[str]) -> list[str]:
    """``PYTHON -m pip install ARGS`` as ``uv pip install --python PYTHON ARGS`` where uv is on PATH.

    The same packages into the same interpreter, in seconds instead of most of
    a minute; any other command, or no uv, is left as it is.
    """
    uv = shutil.which("uv")
    if uv is None or command[1:4] != ["-m", "pip", "install"]:
        return command
    return [uv, "pip", "install", "--python", command[0], *command[4:]]


def serve_app(package: KitPackage, python: str, env: Mapping[str, str]) -> tuple[Process, str]:
    """Serve the example app on a free port and wait until it answers; return it and its URL.

    :raises KitError: when the target has no serve command, or the app exits
        or stays silent for :data:`APP_START_TIMEOUT` seconds.
    """
    if not package.target.kit_serve:
        raise KitError(subject=package.target.name, reason="the target registry has no kit_serve command for it")
    port = free_port()
    command = command_line(package.target.kit_serve, python=python, port=str(port))
    app = start("the example app", command, cwd=package.root, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(app, url, APP_START_TIMEOUT)
    except BaseException:
        app.stop()
        raise
    return app, url


def wait_until_answering(process: Process, url: str, timeout: float) -> None:
    """Poll ``url`` until it gives any HTTP answer.

    :raises KitError: when the process exits first, or nothing answers within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running:
            raise process.failure(f"exited with {process.popen.returncode} before answering at {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any status is an answer: the app is up
        except (OSError, ValueError):
            time.sleep(0.2)
    raise process.failure(f"did not answer at {url} within {timeout:.0f} s")
