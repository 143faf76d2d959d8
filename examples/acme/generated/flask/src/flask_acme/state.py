"""What the extension keeps per application, in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from . import config
from .client import AcmeClient
from .settings import Settings
from .signed_out import SignedOutSessions
from .single_flight import SingleFlight
from .throttle import LoginThrottle


@dataclass(frozen=True)
class State:
    """The settings, the service client, the signed-out sessions and the sign-in throttle of one application."""

    settings: Settings
    client: AcmeClient
    #: None when the sessions are kept server-side (in Redis), where logout deletes the session itself.
    signed_out: SignedOutSessions | None
    throttle: LoginThrottle
    #: One refresh of a service session at a time, shared with the other instances through Redis when it is set.
    refreshes: SingleFlight


def get_state(app: Flask | None = None) -> State:
    """The state of ``app`` (default: the current app).

    :raises RuntimeError: when the extension was not initialised on the app.
    """
    app = app or current_app
    try:
        state: State = app.extensions[config.EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("Acme is not initialised on this app: call Acme(app) or init_app(app).") from None
    return state
