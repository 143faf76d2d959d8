"""The Django app of the Acme Identity integration."""

from __future__ import annotations

from django.apps import AppConfig


class AcmeConfig(AppConfig):
    """Registers the system checks and the signal receivers once the project is loaded."""

    name = "django_acme"
    verbose_name = "Acme Identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core import checks
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from . import checks as acme_checks
        from . import conf, session, state, usercache
        from .models import AcmeProfile

        checks.register(acme_checks.check_settings)
        checks.register(acme_checks.check_setup)
        user_logged_in.connect(session.keep_service_session, dispatch_uid="django_acme.session")
        user_logged_out.connect(session.end_service_session, dispatch_uid="django_acme.session")
        setting_changed.connect(conf.reload, dispatch_uid="django_acme.conf")
        setting_changed.connect(state.reload, dispatch_uid="django_acme.state")
        setting_changed.connect(usercache.reload, dispatch_uid="django_acme.usercache")
        # A saved or deleted user or profile is dropped from the user cache.
        for model in (get_user_model(), AcmeProfile):
            for signal in (post_save, post_delete):
                uid = f"django_acme.usercache.{model._meta.label_lower}"
                signal.connect(usercache.forget_saved, sender=model, dispatch_uid=uid)
