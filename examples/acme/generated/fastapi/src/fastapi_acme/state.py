"""What the integration keeps per application, in ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.templating import Jinja2Templates

from .client import AcmeClient
from .settings import AcmeSettings
from .single_flight import SingleFlight
from .store import SessionStore
from .throttle import LoginThrottle

#: The attribute of ``app.state`` that holds the integration's :class:`State`.
STATE_KEY = "acme"


@dataclass(frozen=True)
class State:
    """The settings, the service client, the sessions, the sign-in throttle and the pages of one application."""

    settings: AcmeSettings
    client: AcmeClient
    #: The server-side sessions: a SQLite file, or Redis when it is set.
    store: SessionStore
    throttle: LoginThrottle
    #: The pages: the app's own templates of the same name first, then the package's.
    templates: Jinja2Templates
    #: One refresh of a service session at a time, shared with the other instances through Redis when it is set.
    refreshes: SingleFlight


def get_state(connection: HTTPConnection) -> State:
    """The integration's state on the app that serves ``connection``.

    :raises RuntimeError: when the integration was not added to the app.
    """
    state: State | None = getattr(connection.app.state, STATE_KEY, None)
    if state is None:
        raise RuntimeError("Acme is not set up on this app: call Acme(app) where the app is made.")
    return state
