"""Defaults and fixed names of the Acme Identity integration.

Constants only, no logic: :mod:`.settings` reads ``app.config`` and falls
back to these.
"""

#: Seconds the user cached in the session is trusted before the service is asked again.
SESSION_TTL = 300.0

#: Seconds failed sign-ins are counted for, when a sign-in limit is set.
LOGIN_LIMIT_WINDOW = 300

#: The SQLite file of signed-out sessions, in the app's instance folder unless a setting names another.
SIGNED_OUT_DB = "acme-signed-out.sqlite3"

#: The prefix of the integration's keys in Redis, when ``ACME_REDIS_URL`` is set.
REDIS_KEY_PREFIX = "acme:"

#: Seconds to wait for the identity service before failing closed with a 503.
TIMEOUT = 5.0

#: Seconds the result of a refresh is handed to requests that still carry the session from before it.
REFRESH_KEEP = 30.0

#: The query parameter of the reset link that carries the token: ``/auth/reset?token=...``.
RESET_TOKEN_QUERY = "token"

#: The query parameter of the verification link that carries the token: ``/auth/verify?token=...``.
VERIFY_TOKEN_QUERY = "token"

#: The URL prefix of the integration's routes: ``/auth/login``, ``/auth/me`` ...
ROUTE_PREFIX = "/auth"

#: The name shown at the top of the pages.
BRAND_NAME = "Acme Identity"

#: The colour of buttons, links and focus rings on the pages.
PRIMARY_COLOR = "#4f46e5"

#: The blueprint's name: endpoints are ``acme.login``, ``acme.logout`` ...
BLUEPRINT = "acme"

#: The folder of the pages: an app overrides ``acme/login.html`` with its own template of that name.
TEMPLATE_FOLDER = "acme"

#: The key of the extension's state in ``app.extensions``.
EXTENSION_KEY = "acme"

#: The key of the cached user in the Flask session.
SESSION_KEY = "_acme"

#: Context of the key derived from ``SECRET_KEY`` that encrypts the service's tokens.
TOKEN_KEY_INFO = b"flask_acme service session"

#: The longest ``next`` followed after login; a longer one is dropped like an unsafe one.
MAX_NEXT_LENGTH = 2048

#: The longest text accepted in a form field, so no one can post megabytes to the service.
MAX_INPUT_LENGTH = 1024
