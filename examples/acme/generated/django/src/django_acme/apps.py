"""The Django app of the Acme Identity integration."""

from __future__ import annotations

from django.apps import AppConfig


class AcmeConfig(AppConfig):
    """Registers the system checks and the signal receivers once the project is loaded."""

    name = "django_acme"
    verbose_name = "Acme Identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.core.signals import setting_changed

        from . import checks as acme_checks
        from . import conf, session, state

        checks.register(acme_checks.check_settings)
        checks.register(acme_checks.check_setup)
        user_logged_in.connect(session.keep_service_session, dispatch_uid="django_acme.session")
        setting_changed.connect(conf.reload, dispatch_uid="django_acme.conf")
        setting_changed.connect(state.reload, dispatch_uid="django_acme.state")
