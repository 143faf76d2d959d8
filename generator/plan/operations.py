"""What an operation reads before its first request: the service session's values.

``get_user`` is given what ``login`` returned (the service session) and reads
values out of it; every client method fetches those values first, in the order
the steps first use them, and Spring's S17 test looks for them in cookies.
"""

from __future__ import annotations

from ..model import Operation, Spec


def session_keys(op: Operation) -> tuple[str, ...]:
    """The names of the session values ``op`` reads (``${session.<name>}``), in order of first use."""
    seen: dict[str, None] = {}
    for step in op.steps:
        for ref in step.refs:
            if ref.ns == "session":
                seen.setdefault(ref.name)
    return tuple(seen)


def public_values(spec: Spec) -> list[str]:
    """The session values login marks ``public = true`` (ids, links): no secrets, so S17 does not count them."""
    return sorted({name for step in spec.operations["login"].steps for name in step.public})


def session_secrets(spec: Spec) -> bool:
    """Whether login keeps a value that is not public: something S17 can look for in cookies."""
    return any(name not in step.public for step in spec.operations["login"].steps for name, _ in step.extract)
