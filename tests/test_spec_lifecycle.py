"""The session lifecycle operations in a spec (issue 15): refresh, logout, reset_password,
change_password, verify_email, ``expires_in``, ``token_query``, the new error kinds and ``message``.

Each misuse is one problem at its line, with a hint (S18-S22 depend on these operations).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import expr
from generator.cli import main
from generator.errors import SpecError
from generator.model import ErrorRule
from generator.spec import load_spec, parse_spec

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"

REFRESH_JSON = 'json = { refresh_token = "${session.refresh_token}" }'
REFRESH_EXTRACT = 'extract = { token = "/token", refresh_token = "/refresh_token", expires_in = "/expires_in" }\n'
RESET_ERRORS = (
    '{ status = 404, kind = "invalid_token" },\n  { status = 410, kind = "expired_token" },\n  { status = 422'
)
RESET_JSON = 'json = { password = "${input.password}" }'
CHANGE_JSON = 'json = { current_password = "${input.current_password}", new_password = "${input.new_password}" }'
VERIFY_PATH = 'path = "/v1/email-verifications/${input.token}"'


def acme_text() -> str:
    return ACME.read_text(encoding="utf-8")


def acme_with(*replacements: tuple[str, str]) -> bytes:
    """The Acme spec with each ``(old, new)`` replaced once."""
    text = acme_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode()


def problems(data: bytes) -> list[str]:
    with pytest.raises(SpecError) as info:
        parse_spec(data, "spec.toml")
    return [str(p).removeprefix("spec.toml:") for p in info.value.problems]


def line_of(text: str) -> int:
    """The line of the Acme spec where ``text`` first appears."""
    return acme_text().split(text, 1)[0].count("\n") + 1


# -- the Acme spec has every lifecycle operation ------------------------------------


def test_acme_describes_every_lifecycle_operation() -> None:
    spec = load_spec(ACME)
    for name in ("refresh", "logout", "reset_password", "change_password", "verify_email"):
        assert spec.has(name), name
    assert spec.operations["login"].expires and spec.operations["refresh"].expires
    assert spec.operations["reset_password"].inputs == ("token", "password")
    assert spec.operations["change_password"].inputs == ("current_password", "new_password")
    assert spec.operations["verify_email"].inputs == ("token",)


def test_token_query_defaults_to_token_and_only_token_links_have_one() -> None:
    spec = load_spec(ACME)
    assert spec.operations["reset_password"].token_query == "token"
    assert spec.operations["verify_email"].token_query == "token"
    assert spec.operations["logout"].token_query is None
    assert spec.operations["login"].token_query is None


def test_token_query_names_the_parameter_of_the_emailed_link() -> None:
    spec = parse_spec(
        acme_with(("[operations.reset_password]\n", '[operations.reset_password]\ntoken_query = "sptoken"\n'))
    )
    assert spec.operations["reset_password"].token_query == "sptoken"
    assert spec.operations["verify_email"].token_query == "token"


def test_an_error_rule_carries_the_pointer_of_the_service_message() -> None:
    (step,) = load_spec(ACME).operations["reset_password"].steps
    assert step.errors[2] == ErrorRule(422, "password_policy", (), expr.Pointer(("error", "message")))
    assert step.errors[0].message is None


def test_the_keycloak_example_refreshes_and_logs_out_at_the_service() -> None:
    spec = load_spec(ROOT / "examples" / "keycloak" / "identity.toml")
    assert spec.operations["login"].expires and spec.operations["refresh"].expires
    (logout,) = spec.operations["logout"].steps
    assert logout.path.parts[-1] == expr.Lit("/protocol/openid-connect/logout")
    assert [name for name, _ in logout.form or ()] == ["client_id", "client_secret", "refresh_token"]


@pytest.mark.parametrize("spec", sorted((ROOT / "examples").glob("*/identity.toml")), ids=lambda p: p.parent.name)
def test_every_example_validates(spec: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0, result.output


# -- misuse: one problem each, at its line, with a hint ----------------------------

MISUSE = {
    "kind on an operation it does not fit": (
        (RESET_ERRORS, RESET_ERRORS.replace('"invalid_token"', '"unverified"')),
        "operations.reset_password.steps[0].errors[0].kind: error kind 'unverified' does not fit reset_password "
        "(hint: 'unverified' is for login only)",
    ),
    "expired on login": (
        ('{ status = 429, kind = "service_unavailable" }', '{ status = 429, kind = "expired" }'),
        "operations.login.steps[0].errors[3].kind: error kind 'expired' does not fit login "
        "(hint: 'expired' is for get_user and change_password only)",
    ),
    "password_policy on forgot_password": (
        (
            'errors = { 404 = "user_not_found" }\n\n[operations.refresh]',
            'errors = { 422 = "password_policy" }\n\n[operations.refresh]',
        ),
        "operations.forgot_password.steps[0].errors.422: error kind 'password_policy' does not fit forgot_password "
        "(hint: 'password_policy' is for reset_password, change_password and register only)",
    ),
    "message on a kind that shows its own": (
        ('{ status = 403, kind = "account_disabled" }', '{ status = 403, kind = "account_disabled", message = "/m" }'),
        "operations.login.steps[0].errors[2].message: 'account_disabled' errors show their own message, not the "
        "service's (hint: message is for invalid_input and password_policy)",
    ),
    "message pointer with a wildcard": (
        (
            '{ status = 422, kind = "invalid_input" }',
            '{ status = 422, kind = "invalid_input", message = "/errors/*/message" }',
        ),
        "operations.register.steps[0].errors[1].message: a message pointer cannot hold '*'",
    ),
    "message that is not a pointer": (
        ('{ status = 422, kind = "invalid_input" }', '{ status = 422, kind = "invalid_input", message = 3 }'),
        "operations.register.steps[0].errors[1].message: expected a JSON pointer, got a number",
    ),
    "token_query on an operation without a link": (
        ("[operations.logout]\n", '[operations.logout]\ntoken_query = "token"\n'),
        "operations.logout.token_query: logout has no emailed link, so no token_query "
        "(hint: token_query belongs to reset_password and verify_email; remove it here)",
    ),
    "token_query that needs encoding": (
        ("[operations.verify_email]\n", '[operations.verify_email]\ntoken_query = "sp token"\n'),
        "operations.verify_email.token_query: 'sp token' is not a query parameter name",
    ),
    "token_query that is not text": (
        ("[operations.verify_email]\n", "[operations.verify_email]\ntoken_query = 1\n"),
        "operations.verify_email.token_query: expected text, got a number",
    ),
    "expires_in without refresh": (
        (
            REFRESH_EXTRACT,
            'extract = { token = "/token", refresh_token = "/refresh_token" }\n',
        ),
        None,  # checked below: removing refresh's expires_in is fine; this case is the next one
    ),
    "expires_in in another operation": (
        (
            'ok = [202]\nerrors = { 404 = "user_not_found" }',
            'ok = [202]\nerrors = { 404 = "user_not_found" }\nextract = { expires_in = "/e" }',
        ),
        "operations.forgot_password.steps[0].extract.expires_in: expires_in is reserved for login and refresh; "
        "forgot_password has no access token (hint: rename it, e.g. lifetime)",
    ),
    "expires_in as a session value": (
        (REFRESH_JSON, 'json = { refresh_token = "${session.refresh_token}", t = "${session.expires_in}" }'),
        "operations.refresh.steps[0].json.t: ${session.expires_in}: the session keeps no expires_in",
    ),
    "refresh that sends no session value": (
        (REFRESH_JSON, 'json = { refresh_token = "${config.application_id}" }'),
        None,  # two problems: refresh sends nothing of the session, and login's refresh_token is unused
    ),
    "refresh with an input": (
        (REFRESH_JSON, 'json = { refresh_token = "${session.refresh_token}", code = "${input.code}" }'),
        "operations.refresh.steps[0].json.code: ${input.code}: refresh has no input "
        "(hint: use what login extracted: ${session.<name>})",
    ),
    "refresh extracting a value login does not": (
        (REFRESH_EXTRACT, REFRESH_EXTRACT.replace(" }", ', scope = "/scope" }')),
        "operations.refresh.steps[0].extract.scope: refresh extracts 'scope', which login does not: it replaces no "
        "session value (hint: name it as login does (refresh_token, token, user_id), or expires_in)",
    ),
    "refresh using a value login does not extract": (
        (REFRESH_JSON, 'json = { refresh_token = "${session.refresh}" }'),
        None,  # the misspelling is reported once, with a did-you-mean
    ),
    "logout returning a value": (
        ('path = "/v1/sessions/current"\n', 'path = "/v1/sessions/current"\nextract = { gone = "/gone" }\n'),
        "operations.logout.steps[0].extract.gone: 'gone' is extracted but no later step uses it",
    ),
    "logout with an input": (
        ('auth = { bearer = "${session.token}" }\nok = [204]', 'auth = { bearer = "${input.token}" }\nok = [204]'),
        "operations.logout.steps[0].auth.bearer: ${input.token}: logout has no input",
    ),
    "reset_password with another input": (
        (RESET_JSON, 'json = { password = "${input.password}", email = "${input.email}" }'),
        "operations.reset_password.steps[0].json.email: ${input.email}: reset_password has only input.token and "
        "input.password (hint: reset_password's page asks for exactly these)",
    ),
    "reset_password with a misspelt input": (
        (RESET_JSON, 'json = { password = "${input.pasword}" }'),
        "${input.pasword}: reset_password has only input.token and input.password "
        "(hint: did you mean 'input.password'?)",
    ),
    "reset_password that never sends the password": (
        (RESET_JSON, 'json = { password = "${config.application_id}" }'),
        "operations.reset_password: reset_password never sends ${input.password}",
    ),
    "reset_password with a session": (
        (RESET_JSON, 'json = { password = "${input.password}", t = "${session.token}" }'),
        "${session.token}: reset_password runs without a session",
    ),
    "change_password that never sends the new password": (
        (CHANGE_JSON, 'json = { current_password = "${input.current_password}" }'),
        "operations.change_password: change_password never sends ${input.new_password}",
    ),
    "change_password with a misspelt input": (
        (CHANGE_JSON, CHANGE_JSON.replace("input.new_password", "input.new_pasword")),
        "${input.new_pasword}: change_password has only input.current_password and input.new_password "
        "(hint: did you mean 'input.new_password'?)",
    ),
    "verify_email with the session token": (
        (VERIFY_PATH, 'path = "/v1/email-verifications/${session.token}"'),
        None,  # two problems: no session here, and the token is never sent
    ),
}


@pytest.mark.parametrize(
    "replacement, expected",
    [case for case in MISUSE.values() if case[1] is not None],
    ids=[name for name, case in MISUSE.items() if case[1] is not None],
)
def test_each_misuse_is_one_problem_with_a_hint(replacement: tuple[str, str], expected: str) -> None:
    found = problems(acme_with(replacement))
    assert len(found) == 1, found
    assert expected in found[0], found[0]
    assert "(hint: " in found[0]
    line = int(found[0].split(":", 1)[0])
    assert line > 1


def test_expires_in_without_refresh_asks_for_refresh() -> None:
    text = acme_text()
    start = text.index("[operations.refresh]")
    text = text[:start] + text[text.index("[operations.logout]") :]
    found = problems(text.encode())
    login_extract = line_of('extract = { token = "/token", refresh_token')
    assert (
        f"{login_extract}: operations.login.steps[0].extract.expires_in: login extracts expires_in, but nothing "
        "refreshes the session when it passes (hint: add [operations.refresh] or drop the expires_in extract)"
    ) in found
    # login's refresh_token is then used by nothing either
    assert any("login extracts 'refresh_token' but nothing uses it" in p for p in found), found


def test_refresh_may_leave_out_expires_in() -> None:
    spec = parse_spec(acme_with(MISUSE["expires_in without refresh"][0]))
    assert spec.operations["login"].expires and not spec.operations["refresh"].expires


def test_refresh_that_sends_nothing_of_the_session() -> None:
    found = problems(acme_with(MISUSE["refresh that sends no session value"][0]))
    line = line_of("[operations.refresh]")
    assert (
        f"{line}: operations.refresh: refresh sends nothing of the service session "
        "(hint: send what login extracted to renew it, e.g. ${session.refresh_token})"
    ) in found


def test_a_misspelt_session_value_in_refresh_is_one_problem() -> None:
    found = problems(acme_with(MISUSE["refresh using a value login does not extract"][0]))
    assert len(found) == 1, found
    assert "${session.refresh}: login does not extract 'refresh'" in found[0]
    assert "did you mean 'refresh_token'?" in found[0]


def test_verify_email_with_the_session_token() -> None:
    found = problems(acme_with(MISUSE["verify_email with the session token"][0]))
    assert any("${session.token}: verify_email runs without a session" in p for p in found), found
    assert any("verify_email never sends ${input.token}" in p for p in found), found


def test_a_refresh_token_used_only_by_refresh_counts_as_used() -> None:
    """login's refresh_token is read by refresh alone, and logout's token by logout: neither is unused."""
    spec = load_spec(ACME)
    get_user_refs = {r.name for s in spec.operations["get_user"].steps for r in s.refs if r.ns == "session"}
    assert "refresh_token" not in get_user_refs
    assert "refresh_token" in spec.operations["login"].extracts


def test_validate_prints_file_line_and_hint_for_a_misuse(tmp_path: Path) -> None:
    spec = tmp_path / "identity.toml"
    spec.write_bytes(acme_with(("[operations.logout]\n", '[operations.logout]\ntoken_query = "token"\n')))
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code != 0
    line = acme_text().index("[operations.logout]")
    number = acme_text()[:line].count("\n") + 2
    assert f"identity.toml:{number}: operations.logout.token_query:" in result.output
    assert "hint: token_query belongs to reset_password and verify_email" in result.output
    assert "Traceback" not in result.output
