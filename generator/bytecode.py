"""A cache of compiled templates: one file per target, read once per run.

Jinja compiles each template to Python on first use; caching the result
makes a run's rendering several times faster.  Jinja's own
``FileSystemBytecodeCache`` keeps one file per template, which costs a file
open per template and run; a target's templates are always used together,
so here they share one file, read at the start and written, when something
was compiled, at the end.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import tempfile
from pathlib import Path

import jinja2


def cache_root() -> Path:
    """Where authgen keeps its caches: ``$XDG_CACHE_HOME/authgen``, else ``~/.cache/authgen``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "authgen"


class BundledBytecodeCache(jinja2.BytecodeCache):
    """Every compiled template of one environment in one file.

    A missing, unreadable or foreign file is an empty cache, and a cache that
    cannot be written is skipped: it only ever costs speed.  An entry is
    keyed by its template's name and carries Jinja's checksum of the source:
    an edited template is compiled anew and replaces its entry.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries = self._read(path)
        self._changed = False

    @staticmethod
    def _read(path: Path) -> dict[str, bytes]:
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, bytes)}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._entries.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # resets the bucket when the source has changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._entries[bucket.key] = bucket.bytecode_to_string()
        self._changed = True

    def save(self) -> None:
        """Write the cache if this run compiled anything; never fails."""
        if not self._changed:
            return
        scratch = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(prefix=self.path.name + ".", dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(self._entries))
            os.replace(scratch, self.path)  # readers see the old file or the new one, whole
            self._changed = False
        except OSError:
            if scratch is not None:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
