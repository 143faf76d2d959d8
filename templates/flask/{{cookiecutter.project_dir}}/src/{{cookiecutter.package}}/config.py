"""Defaults and fixed names of the {{ cookiecutter.service_name | pydoc }} integration.

Constants only, no logic: :mod:`.settings` reads ``app.config`` and falls
back to these.
"""

#: Seconds the user cached in the session is trusted before the service is asked again.
SESSION_TTL = 300.0

{% if cookiecutter.is_oidc -%}
#: The folder of the server-side sessions, in the app's instance folder unless a setting names another.
SESSION_DIR = "{{ cookiecutter.slug }}-sessions"

#: Session files kept before the expired ones are deleted (past it, cachelib also drops some live ones).
SESSION_FILES = 100_000

#: The name the provider is registered under with Authlib.
PROVIDER_NAME = {{ cookiecutter.slug | py }}

#: The scopes asked for at sign-in.
SCOPE = {{ cookiecutter.oidc.scope | py }}

#: Extra parameters of the authorization request.
AUTHORIZE_PARAMS: dict[str, str] = {{ dict(cookiecutter.oidc.params) | py }}

#: Seconds of clock difference with the provider tolerated when checking the ID token's expiry.
ID_TOKEN_LEEWAY = 5

#: Seconds before the access token's expiry at which it is refreshed, so it does not end during a request.
REFRESH_MARGIN = 10.0
{%- if cookiecutter.oidc.register_url %}

#: The provider's page that creates an account (``${service.<setting>}`` and ``${config.<setting>}`` are the settings).
REGISTER_URL = {{ cookiecutter.oidc.register_url | py }}
{%- endif %}
{%- if cookiecutter.oidc.reset_url %}

#: The provider's page that resets a password.
RESET_URL = {{ cookiecutter.oidc.reset_url | py }}
{%- endif %}
{%- else -%}
#: Seconds failed sign-ins are counted for, when a sign-in limit is set.
LOGIN_LIMIT_WINDOW = 300

#: The SQLite file of signed-out sessions, in the app's instance folder unless a setting names another.
SIGNED_OUT_DB = "{{ cookiecutter.slug }}-signed-out.sqlite3"
{%- endif %}

#: The prefix of the integration's keys in Redis, when ``{{ cookiecutter.config_prefix }}_REDIS_URL`` is set.
REDIS_KEY_PREFIX = "{{ cookiecutter.slug }}:"

#: Seconds to wait for the identity service before failing closed with a 503.
TIMEOUT = {{ cookiecutter.timeout_s | float | py }}

{% if cookiecutter.has_refresh or cookiecutter.is_oidc -%}
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

#: The blueprint's name: endpoints are ``{{ cookiecutter.slug }}.login``, ``{{ cookiecutter.slug }}.logout`` ...
BLUEPRINT = {{ cookiecutter.slug | py }}

#: The folder of the pages: an app overrides ``{{ cookiecutter.slug }}/login.html`` with its own template of that name.
TEMPLATE_FOLDER = {{ cookiecutter.slug | py }}

#: The key of the extension's state in ``app.extensions``.
EXTENSION_KEY = {{ cookiecutter.slug | py }}

#: The key of the cached user in the Flask session.
SESSION_KEY = "_{{ cookiecutter.slug }}"

#: Context of the key derived from ``SECRET_KEY`` that encrypts the service's tokens.
TOKEN_KEY_INFO = b"{{ cookiecutter.package }} service session"

#: The longest ``next`` followed after login; a longer one is dropped like an unsafe one.
MAX_NEXT_LENGTH = 2048
{%- if not cookiecutter.is_oidc %}

#: The longest text accepted in a form field, so no one can post megabytes to the service.
MAX_INPUT_LENGTH = 1024
{%- endif %}
