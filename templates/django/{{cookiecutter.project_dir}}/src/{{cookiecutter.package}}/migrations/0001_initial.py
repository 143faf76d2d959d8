"""Create the profile table of {{ cookiecutter.service_name | pydoc }} users."""

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
            name="{{ cookiecutter.class_name }}Profile",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="{{ cookiecutter.slug }}_profile",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
{%- for c in cookiecutter.django_columns if c.column %}
                ({{ c.column | py }}, {{ c.field }}),
{%- endfor %}
                ("refreshed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": {{ (cookiecutter.service_name ~ " profile") | py }},
            },
        ),
    ]
