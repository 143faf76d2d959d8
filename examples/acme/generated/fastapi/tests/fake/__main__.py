"""Run the fake identity service until interrupted.

``python -m generator.fake SPEC`` inside authgen, ``python3 -m fake fake/spec.json``
in a generated package.  The first line on stdout says where it listens;
scripts wait for it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .fixtures import fixture_users
from .server import load_data, start

#: Seconds between checks for SIGINT / SIGTERM: at most how late the fake stops.
SIGNAL_CHECK_INTERVAL = 0.1


def main(argv: list[str] | None = None) -> int:
    """Serve a spec until SIGINT or SIGTERM; return the exit code.

    :param argv: the arguments without the program name; ``sys.argv[1:]`` when None.
    """
    parser = argparse.ArgumentParser(
        prog="fake", description="Serve the fake identity service a spec describes, for tests and manual trials."
    )
    parser.add_argument("spec", help="fake/spec.json ({spec, settings}) or a TOML spec")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr (never values)")
    args = parser.parse_args(argv)
    try:
        data = load_data(args.spec)
        fake = start(data, args.host, args.port, verbose=args.verbose)
    except (OSError, ValueError, ImportError) as err:
        print(f"fake: {err}", file=sys.stderr)
        return 2
    print(f"fake listening on {fake.url}", flush=True)
    for user in fixture_users(data["spec"]):
        print(f"  {user['key']}: {user['username']} / {user['password']}", flush=True)
    _wait_for_signal()
    fake.stop()
    return 0


def _wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM, so both end the process cleanly, without a traceback."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(SIGNAL_CHECK_INTERVAL):
        pass  # a signal that lands on a server thread is only seen when the wait times out


if __name__ == "__main__":
    sys.exit(main())
