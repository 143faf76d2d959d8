"""Create the profile table of Acme Identity users."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AcmeProfile",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="acme_profile",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("service_id", models.CharField(max_length=255, unique=True)),
                ("username", models.EmailField(max_length=254)),
                ("email", models.EmailField(max_length=254)),
                ("first_name", models.TextField(blank=True, null=True)),
                ("last_name", models.TextField(blank=True, null=True)),
                ("roles", models.JSONField(default=list)),
                ("active", models.BooleanField(default=True)),
                ("given_name", models.TextField(blank=True, null=True)),
                ("family_name", models.TextField(blank=True, null=True)),
                ("groups", models.JSONField(default=list)),
                ("status", models.CharField(max_length=6, choices=[("ACTIVE", "ACTIVE"), ("LOCKED", "LOCKED")])),
                ("created", models.DateTimeField(blank=True, null=True)),
                ("refreshed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "Acme Identity profile",
            },
        ),
    ]
