"""Keep the local Django user in step with the user {{ cookiecutter.service_name | pydoc }} describes.

The local user is created at the first sign-in and found again by the
service's id, so a user who changes their username or email at the service
keeps their Django user (and everything linked to it). Each time the
service is asked, the names, flags and groups are rewritten from its answer,
when it says something new: a sign-in that changes nothing writes nothing, so
concurrent sign-ins do not queue for the database's write lock (SQLite has one
for the whole file).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction

from .errors import Conflict
from .models import {{ cookiecutter.class_name }}Profile
from .usercache import forget_user

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)

#: The prefix of the username a local user is moved to when another service user takes its username.
RETIRED_USERNAME_PREFIX = "{{ cookiecutter.slug }}-"


def sync_user(values: dict[str, Any]) -> ProjectUser:
    """Create or update the local user and profile for the service's user ``values`` (see :func:`.records.read_record`).

    ``is_active`` follows the service, ``is_superuser`` the admin roles,
    ``is_staff`` the staff and admin roles, and the groups mirror the
    roles: groups named after roles the service no longer gives are
    removed, groups given locally are left alone.

    :raises Conflict: when a local user that did not come from the service already has the username.
    """
    profile = (
        {{ cookiecutter.class_name }}Profile.objects.select_related("user").filter(service_id=values["service_id"]).first()
    )
    if profile is not None and _is_current(profile, values):
        return profile.user
    try:
        return _sync(values)
    except IntegrityError:  # another request created the same user at the same moment: update it
        return _sync(values)


def _sync(values: dict[str, Any]) -> ProjectUser:
    with transaction.atomic():
        profile = (
            {{ cookiecutter.class_name }}Profile.objects.select_for_update()
            .select_related("user")
            .filter(service_id=values["service_id"])
            .first()
        )
        if profile is None:
            user = get_user_model()()
            user.set_unusable_password()  # the service checks passwords, never Django
            profile = {{ cookiecutter.class_name }}Profile()
            old_roles: list[str] = []
        else:
            user = profile.user
            old_roles = list(profile.roles)
        for column, value in values.items():
            setattr(profile, column, value)
        _update_user(user, profile)
        user.save()
        profile.user = user
        profile.save()
        _mirror_roles(user, old_roles, list(profile.roles))
    return user


def deactivate(user_pk: Any) -> None:
    """Mark a local user inactive, after the service has disabled or deleted them."""
    get_user_model()._default_manager.filter(pk=user_pk).update(is_active=False)
    {{ cookiecutter.class_name }}Profile.objects.filter(pk=user_pk).update(active=False)
    forget_user(user_pk)  # update() sends no post_save


def _is_current(profile: {{ cookiecutter.class_name }}Profile, values: dict[str, Any]) -> bool:
    """Whether the profile, the user and the user's groups already say what ``values`` says."""
    if any(getattr(profile, column) != value for column, value in values.items()):
        return False
    user = profile.user
    if any(getattr(user, name) != value for name, value in _user_fields(type(user), profile).items()):
        return False
    groups = getattr(user, "groups", None)
    if groups is None:  # a custom user model without PermissionsMixin
        return True
    roles = set(_group_names(profile.roles))
    return set(groups.filter(name__in=roles).values_list("name", flat=True)) == roles


def _update_user(user: ProjectUser, profile: {{ cookiecutter.class_name }}Profile) -> None:
    """Copy what Django's user model has fields for from the profile."""
    fields = _user_fields(type(user), profile)
    username_field = type(user).USERNAME_FIELD
    fields[username_field] = _free_username(user, fields[username_field])
    for name, value in fields.items():
        setattr(user, name, value)


def _user_fields(model: type[ProjectUser], profile: {{ cookiecutter.class_name }}Profile) -> dict[str, Any]:
    """The values of the user model's fields that come from the profile (those the model has, cut to length)."""
    wanted = {
        model.get_email_field_name(): profile.email or "",
        model.USERNAME_FIELD: str(profile.username),
{%- if "first_name" in cookiecutter.django_columns | selectattr("column") | map(attribute="name") | list %}
        "first_name": profile.first_name or "",
{%- endif %}
{%- if "last_name" in cookiecutter.django_columns | selectattr("column") | map(attribute="name") | list %}
        "last_name": profile.last_name or "",
{%- endif %}
        "is_active": profile.active,
        "is_staff": profile.is_staff or profile.is_admin,  # Django's admin site lets in staff only
        "is_superuser": profile.is_admin,
    }
    fields = {}
    for name, value in wanted.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a custom user model without it
            continue
        max_length = getattr(field, "max_length", None)
        if isinstance(value, str) and max_length:
            value = value[:max_length]
        fields[name] = value
    return fields


def _free_username(user: ProjectUser, username: str) -> str:
    """``username``, after moving a stale service user who still holds it locally out of the way.

    :raises Conflict: when the local user holding it did not come from the service.
    """
    model = type(user)
    field = model.USERNAME_FIELD
    username = username[: getattr(model._meta.get_field(field), "max_length", None)]
    holder = model._default_manager.filter(**{field: username}).exclude(pk=user.pk).first()
    if holder is None:
        return username
    stale = {{ cookiecutter.class_name }}Profile.objects.filter(pk=holder.pk).first()
    if stale is None:
        logger.error("A local user that did not sign in with the service already has the username of a service user")
        raise Conflict("a local user already has this username")
    setattr(holder, field, RETIRED_USERNAME_PREFIX + stale.service_id)
    holder.save(update_fields=[field])
    return username


def _mirror_roles(user: ProjectUser, old_roles: list[str], roles: list[str]) -> None:
    """Give the user a group per role, and take away the groups of roles they lost."""
    groups = getattr(user, "groups", None)
    if groups is None:  # a custom user model without PermissionsMixin
        return
    kept = _group_names(roles)
    lost = set(old_roles) - set(kept)
    if lost:
        groups.remove(*Group.objects.filter(name__in=lost))
    if kept:
        for role in kept:
            Group.objects.get_or_create(name=role)
        groups.add(*Group.objects.filter(name__in=kept))


def _group_names(roles: list[str]) -> list[str]:
    """The roles that can be group names (a longer one does not fit the column)."""
    max_length = Group._meta.get_field("name").max_length
    return [role for role in roles if max_length is None or len(role) <= max_length]
