"""Defaults and fixed names of the {{ cookiecutter.service_name | pydoc }} integration.

Constants only, no logic: :mod:`.conf` reads ``settings.{{ cookiecutter.config_prefix }}`` and falls
back to these.
"""

#: The Django setting that holds every setting of the integration, as one dict.
SETTING = "{{ cookiecutter.config_prefix }}"

#: Seconds the signed-in user is trusted before the service is asked again.
SESSION_TTL = 300.0

#: Seconds a process may serve the signed-in user from Django's cache instead of the database (0: never).
USER_CACHE_TIMEOUT = 5.0

#: Seconds to wait for the identity service before failing closed with a 503.
TIMEOUT = {{ cookiecutter.timeout_s | float | py }}
{%- if not cookiecutter.is_oidc %}

#: Failed sign-ins of one username, and from one client address, before sign-in is refused for a while (0: no limit).
LOGIN_LIMIT_PER_ACCOUNT = 0
LOGIN_LIMIT_PER_CLIENT = 0

#: Seconds the failed sign-ins are counted for, from the first.
LOGIN_LIMIT_WINDOW = 300.0
{%- endif %}

#: The name shown at the top of the pages.
BRAND_NAME = {{ cookiecutter.service_name | py }}

#: The colour of buttons, links and focus rings on the pages.
PRIMARY_COLOR = "#4f46e5"

#: The URL namespace of the routes: ``reverse("{{ cookiecutter.slug }}:login")``.
URL_NAMESPACE = {{ cookiecutter.slug | py }}

#: The folder of the pages: a project overrides ``{{ cookiecutter.slug }}/login.html`` with its own template of that name.
TEMPLATE_FOLDER = {{ cookiecutter.slug | py }}

#: The key, in the Django session, of the service's session values and of when the user was last fetched.
SESSION_KEY = "_{{ cookiecutter.slug }}"

#: The longest text accepted in a form field, so no one can post megabytes to the service.
MAX_INPUT_LENGTH = 1024

#: The longest ``next`` the login form follows; a longer one is dropped like any unsafe one.
MAX_NEXT_LENGTH = 2048

#: The form field browsers send the CSRF token in (Django's own name for it).
CSRF_FIELD = "csrfmiddlewaretoken"
