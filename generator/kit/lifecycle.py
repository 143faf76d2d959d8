"""What the session lifecycle tests (S18-S22) read from the spec beyond which operations it has."""

from __future__ import annotations

from generator.model import Spec

#: The query parameter of a reset or verification link when the spec names none (``token_query``).
DEFAULT_TOKEN_QUERY = "token"


def token_query(spec: Spec, operation: str) -> str:
    """The query parameter of the emailed link that carries the token (the operation's ``token_query``)."""
    return str(spec.data["operations"][operation].get("token_query", DEFAULT_TOKEN_QUERY))


def passes_message_on(spec: Spec, operation: str) -> bool:
    """Whether the operation's ``password_policy`` rule shows the service's own message (``message = ...``)."""
    return any(
        rule.get("kind") == "password_policy" and "message" in rule
        for step in spec.data["operations"][operation]["steps"]
        if isinstance(step.get("errors"), list)
        for rule in step["errors"]
    )
