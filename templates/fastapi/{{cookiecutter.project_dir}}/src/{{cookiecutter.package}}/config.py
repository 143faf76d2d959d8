"""Defaults and fixed names of the {{ cookiecutter.service_name | pydoc }} integration.

Constants only, no logic: :mod:`.settings` reads the environment and falls
back to these.
"""

#: The prefix of the environment variables of the settings: ``{{ cookiecutter.config_prefix }}_BASE_URL`` ...
ENV_PREFIX = "{{ cookiecutter.config_prefix }}_"

#: Seconds the user cached in the session is trusted before the service is asked again.
SESSION_TTL = 300.0

#: Seconds a session lives without a sign-in: the signed cookie's lifetime, and the server-side record's.
SESSION_LIFETIME = 14 * 24 * 3600

#: The name of the session cookie, when the integration adds the session middleware itself.
SESSION_COOKIE = "{{ cookiecutter.slug }}_session"

#: The folder of the sessions' SQLite file in the temporary folder, one per user (``-<uid>`` is added), unless
#: ``{{ cookiecutter.config_prefix }}_SESSION_DB`` names a file: only its user may enter it (0700).
SESSION_FOLDER = "{{ cookiecutter.slug }}-sessions"

#: The SQLite file of the sessions in that folder.
SESSION_DB = "sessions.sqlite3"

#: Users kept rebuilt in each process, so a signed-in request does not rebuild its user from the record.
BUILT_USERS = 1024

#: The key of the integration's values in ``request.session`` (the session id and the CSRF token).
SESSION_KEY = "_{{ cookiecutter.slug }}"

#: Seconds failed sign-ins are counted for, when a sign-in limit is set.
LOGIN_LIMIT_WINDOW = 300

#: The prefix of the integration's keys in Redis, when ``{{ cookiecutter.config_prefix }}_REDIS_URL`` is set.
REDIS_KEY_PREFIX = "{{ cookiecutter.slug }}:"

#: Seconds to wait for the identity service before failing closed with a 503.
TIMEOUT = {{ cookiecutter.timeout_s | float | py }}

{% if cookiecutter.has_refresh -%}
#: Seconds the result of a refresh is handed to requests that still carry the session from before it.
REFRESH_KEEP = 30.0

{% endif -%}
{% if cookiecutter.has_reset_password -%}
#: The query parameter of the reset link that carries the token: ``/auth/reset?{{ cookiecutter.reset_token_query }}=...``.
RESET_TOKEN_QUERY = {{ cookiecutter.reset_token_query | py }}

{% endif -%}
{% if cookiecutter.has_verify_email -%}
#: The query parameter of the verification link that carries the token: ``/auth/verify?{{ cookiecutter.verify_token_query }}=...``.
VERIFY_TOKEN_QUERY = {{ cookiecutter.verify_token_query | py }}

{% endif -%}
#: The URL prefix of the integration's routes: ``/auth/login``, ``/auth/me`` ...
ROUTE_PREFIX = "/auth"

#: The name shown at the top of the pages.
BRAND_NAME = {{ cookiecutter.service_name | py }}

#: The colour of buttons, links and focus rings on the pages.
PRIMARY_COLOR = "#4f46e5"

#: The folder of the pages: an app overrides ``{{ cookiecutter.slug }}/login.html`` with its own template of that name.
TEMPLATE_FOLDER = {{ cookiecutter.slug | py }}

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
