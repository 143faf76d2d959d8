"""Settings of the example project: the smallest Django project that signs users in with {{ cookiecutter.service_name | pydoc }}.

Give it the service's settings in the environment and run it::

{%- for s in cookiecutter.settings if s.required %}
    export {{ s.env }}=...
{%- endfor %}
    python example/manage.py migrate
    python example/manage.py runserver
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Example values: a real project reads its secret key from the environment and never sets DEBUG there.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-example-only")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "{{ cookiecutter.package }}",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "{{ cookiecutter.package }}.middleware.{{ cookiecutter.class_name }}Middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Sign-in through {{ cookiecutter.service_name | pycomment }}.
AUTHENTICATION_BACKENDS = ["{{ cookiecutter.package }}.backends.{{ cookiecutter.class_name }}Backend"]
LOGIN_URL = "{{ cookiecutter.slug }}:login"
LOGIN_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "{{ cookiecutter.package }}.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = True

# Several instances behind a balancer share one Redis: {{ cookiecutter.config_prefix }}_REDIS_URL (or REDIS_URL) puts Django's
# cache there, and with it the cached users, the failed sign-in counts and the sessions, so a session
# started on one instance works on all, and signing out on one ends it on all at once.
REDIS_URL = os.environ.get("{{ cookiecutter.config_prefix }}_REDIS_URL") or os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "{{ cookiecutter.slug }}",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # One instance: sessions in files (in the temporary folder), on the server so the service's tokens
    # never reach the browser, shared by every worker process, and read without a database query.
    # Django's default, the database, costs a query on every signed-in request; the README compares them.
    SESSION_ENGINE = "django.contrib.sessions.backends.file"

# Every key falls back to an environment variable:
{%- for s in cookiecutter.settings %}
# {{ s.name | upper }} to {{ s.env }}{% if s.required %} (required){% endif %},
{%- endfor %}
# TIMEOUT, SESSION_TTL, BRAND_NAME, LOGO_URL and PRIMARY_COLOR to {{ cookiecutter.config_prefix }}_TIMEOUT ...
{%- if not cookiecutter.is_oidc %}
# The failed sign-in limits are off: {{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT=10 (and _PER_CLIENT, _WINDOW) turn them on.
{%- endif %}
# A key set here wins over its variable, e.g. "PRIMARY_COLOR": "#4f46e5"; this example sets none, so
# {{ cookiecutter.config_prefix }}_BRAND_NAME, {{ cookiecutter.config_prefix }}_LOGO_URL and {{ cookiecutter.config_prefix }}_PRIMARY_COLOR brand its pages.
{{ cookiecutter.config_prefix }}: dict[str, str] = {}

ROOT_URLCONF = "example.urls"
WSGI_APPLICATION = "example.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_DATABASE", BASE_DIR / "db.sqlite3"),
        # Keep each thread's connection for the next requests (by default Django opens and closes one per
        # request), checking that it still works before a request reuses it.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # SQLite has one write lock for the whole file. Concurrent sign-ins write (a new or changed user,
        # last_login), so: take the lock when a transaction starts, not halfway through, where waiting
        # could deadlock and SQLite fails at once with "database is locked"; wait up to 20 s for it;
        # and let readers go on while one request writes (write-ahead log).
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
