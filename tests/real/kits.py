"""The conformance kit against each example app pointed at the real Keycloak, in the background.

``nox -s real-keycloak`` starts these once the realm is provisioned and runs
the packages' own tests meanwhile: the kits mostly wait on HTTP, so the two
share the cores well and the session takes little longer than either alone.
Each kit serves the app as the session built it (``--no-install``), writes its
output to a file, and is stopped with its process group however the session
ends.  Standard library only, like ``keycloak.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.real.keycloak import stop_group

#: Seconds one target's kit may take against Keycloak (a Spring app starts in about 20 s on 2 cores).
KIT_TIMEOUT = 600.0
#: The line the kit's pytest prints in external-service mode (generator/kit/conftest.py).
SUMMARY = "against the real service:"


@dataclass
class KitRun:
    """One target's kit: its command, its output file, and how it ended."""

    target: str
    command: list[str]
    log: Path
    code: int | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """The kit's own count of checks run and skipped, or the end of its output when it has none."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        lines = [line.strip() for line in text.splitlines() if line.startswith(SUMMARY)]
        return lines[-1] if lines else f"no summary; the last lines:\n{self.tail()}"

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(deque(text.splitlines(), maxlen=lines))


@dataclass
class BackgroundKits:
    """Runs the kits one after another in a thread; :meth:`wait` gives them back once all ended."""

    runs: list[KitRun]
    env: dict[str, str]
    _thread: threading.Thread | None = None
    _current: subprocess.Popen | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run_all, name="kits", daemon=True)
        self._thread.start()

    def _run_all(self) -> None:
        for run in self.runs:
            if self._stopped.is_set():
                return
            began = time.monotonic()
            with run.log.open("wb") as out:
                self._current = subprocess.Popen(
                    run.command,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=self.env,
                    start_new_session=True,
                )
                try:
                    run.code = self._current.wait(timeout=KIT_TIMEOUT)
                except subprocess.TimeoutExpired:
                    stop_group(self._current, grace=15)
                    run.code = -1
                    with run.log.open("a", encoding="utf-8") as note:
                        note.write(f"\n(stopped: the kit took more than {KIT_TIMEOUT:.0f} s)\n")
            run.seconds = time.monotonic() - began

    def wait(self, timeout: float) -> list[KitRun]:
        """Wait for every kit (bounded); a kit still running then is stopped and counts as failed."""
        if self._thread is not None:
            self._thread.join(timeout)
        self.stop()
        if self._thread is not None:
            self._thread.join(30)  # the stopped kit's exit code
        return self.runs

    def stop(self) -> None:
        self._stopped.set()
        if self._current is not None:
            stop_group(self._current, grace=15)


@contextlib.contextmanager
def in_background(
    authgen: str, python: str, out: Path, targets: Sequence[str], service_env: Path, test_users: Path
) -> Iterator[BackgroundKits]:
    """``authgen kit out/<target> --no-install`` against the real service for each target, in the background."""
    logs = Path(tempfile.mkdtemp(prefix="authgen-real-kits-"))
    runs = [
        KitRun(
            target,
            [
                authgen,
                "kit",
                str(out / target),
                "--no-install",
                f"--python={python}",
                f"--service-env={service_env}",
                f"--test-users={test_users}",
                "-q",
            ],
            logs / f"{target}.log",
        )
        for target in targets
    ]
    kits = BackgroundKits(runs, dict(os.environ))
    kits.start()
    try:
        yield kits
    finally:
        kits.stop()
        shutil.rmtree(logs, ignore_errors=True)
