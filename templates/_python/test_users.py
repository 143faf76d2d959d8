def real_users(config: str) -> dict[str, dict[str, Any]]:
    """The users of a real deployment, from ``{{ cookiecutter.config_prefix }}_TEST_USERS``: JSON, or the path of a JSON file.

    Keys say what each user is for: ``admin`` has the role that guards
    ``/admin`` (``GUARD_ROLE``), ``user`` lacks it, ``disabled`` is a disabled account{% if cookiecutter.fixtures | length > 3 %}, ``staff`` is optional{% endif %}{% if cookiecutter.has_verify_email %}; ``unverified``, optional, is an account whose email address is not verified yet{% endif %}.
    Each gives ``username`` and ``password``; ``roles``, the roles the user must
    have at least (the service may add its own); and optionally ``id``, ``email``,
    ``first_name`` or ``last_name`` to check exactly. For example::

        {"admin": {"username": "ada", "password": "...", "roles": [{{ cookiecutter.guard_role | py }}]},
         "user": {"username": "alan", "password": "...", "roles": []},
         "disabled": {"username": "dana", "password": "..."}}
    """
    if not config:
        raise RuntimeError(f"{REAL_SERVICE_ENV} names a real service: set {TEST_USERS_ENV} to its test users")
    text = config if config.lstrip().startswith("{") else Path(config).read_text(encoding="utf-8")
    users = {}
    for key, given in json.loads(text).items():
        expected = {name: given[name] for name in ("id", "email", "first_name", "last_name") if name in given}
        expected.update(username=given["username"], roles=list(given.get("roles", [])))
        # The record's own fields are the service's business: only their types are checked.
        users[key] = {"key": key, "username": given["username"], "password": given["password"]}
        users[key].update(expected=expected, fields={})
    missing = {"admin", "user", "disabled"} - users.keys()
    if missing:
        raise RuntimeError(f"{TEST_USERS_ENV} has no {', '.join(sorted(missing))} user")
    return users
