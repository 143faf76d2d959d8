"""Defaults and fixed names of the Acme Identity integration.

Constants only, no logic: :mod:`.settings` reads the environment and falls
back to these.
"""

#: The prefix of the environment variables of the settings: ``ACME_BASE_URL`` ...
ENV_PREFIX = "ACME_"

#: Seconds the user cached in the session is trusted before the service is asked again.
SESSION_TTL = 300.0

#: Seconds a session lives without a sign-in: the signed cookie's lifetime, and the server-side record's.
SESSION_LIFETIME = 14 * 24 * 3600

#: The name of the session cookie, when the integration adds the session middleware itself.
SESSION_COOKIE = "acme_session"

#: The folder of the sessions' SQLite file in the temporary folder, one per user (``-<uid>`` is added), unless
#: ``ACME_SESSION_DB`` names a file: only its user may enter it (0700).
SESSION_FOLDER = "acme-sessions"

#: The SQLite file of the sessions in that folder.
SESSION_DB = "sessions.sqlite3"

#: Users kept rebuilt in each process, so a signed-in request does not rebuild its user from the record.
BUILT_USERS = 1024

#: The key of the integration's values in ``request.session`` (the session id and the CSRF token).
SESSION_KEY = "_acme"

#: Seconds failed sign-ins are counted for, when a sign-in limit is set.
LOGIN_LIMIT_WINDOW = 300

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

#: The folder of the pages: an app overrides ``acme/login.html`` with its own template of that name.
TEMPLATE_FOLDER = "acme"

#: The form field of the CSRF token in form posts.
CSRF_FIELD = "csrf_token"

#: The header of the CSRF token in JSON posts.
CSRF_HEADER = "X-CSRFToken"

#: The longest ``next`` followed after login; a longer one is dropped like an unsafe one.
MAX_NEXT_LENGTH = 2048

#: The longest text accepted in a form field, so no one can post megabytes to the service.
MAX_INPUT_LENGTH = 1024

#: The largest body a post to the integration may have, in bytes: its forms are a few short fields.
MAX_BODY_SIZE = 64 * 1024
