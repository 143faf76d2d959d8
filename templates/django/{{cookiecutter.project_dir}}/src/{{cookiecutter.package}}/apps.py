"""The Django app of the {{ cookiecutter.service_name | pydoc }} integration."""

from __future__ import annotations

from django.apps import AppConfig


class {{ cookiecutter.class_name }}Config(AppConfig):
    """Registers the system checks and the signal receivers once the project is loaded."""

    name = "{{ cookiecutter.package }}"
    verbose_name = {{ cookiecutter.service_name | py }}
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in{% if cookiecutter.has_logout %}, user_logged_out{% endif %}
        from django.core import checks
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from . import checks as {{ cookiecutter.slug }}_checks
        from . import conf, session, state, usercache
        from .models import {{ cookiecutter.class_name }}Profile

        checks.register({{ cookiecutter.slug }}_checks.check_settings)
        checks.register({{ cookiecutter.slug }}_checks.check_setup)
        user_logged_in.connect(session.keep_service_session, dispatch_uid="{{ cookiecutter.package }}.session")
{%- if cookiecutter.has_logout %}
        user_logged_out.connect(session.end_service_session, dispatch_uid="{{ cookiecutter.package }}.session")
{%- endif %}
        setting_changed.connect(conf.reload, dispatch_uid="{{ cookiecutter.package }}.conf")
        setting_changed.connect(state.reload, dispatch_uid="{{ cookiecutter.package }}.state")
        setting_changed.connect(usercache.reload, dispatch_uid="{{ cookiecutter.package }}.usercache")
        # A saved or deleted user or profile is dropped from the user cache.
        for model in (get_user_model(), {{ cookiecutter.class_name }}Profile):
            for signal in (post_save, post_delete):
                uid = f"{{ cookiecutter.package }}.usercache.{model._meta.label_lower}"
                signal.connect(usercache.forget_saved, sender=model, dispatch_uid=uid)
