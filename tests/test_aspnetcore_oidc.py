"""The ASP.NET Core target with ``[service.oidc]``: ASP.NET Core's OpenID Connect handler (issue 17).

Without the .NET SDK these tests render the package for both OIDC specs (the
Keycloak example, a confidential client; tests/specs/oidc.toml, a public client
with the provider's register/reset links) and check its structure and tier 1;
with ``dotnet`` on PATH they also run the package's own xUnit tests (S23-S26
against the bundled fake provider).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.render import generate
from generator.targets import TARGETS, aspnetcore

from .conftest import KEYCLOAK_OIDC, PUBLIC_OIDC

pytest.importorskip(
    "tree_sitter_c_sharp", reason="tier 1 needs tree-sitter-c-sharp: pip install tree-sitter tree-sitter-c-sharp"
)

from generator.verify_csharp import OIDC_HANDLER_SETTINGS, check_package  # noqa: E402

PASSWORD_ONLY = ("Client.cs", "LoginThrottle.cs", "SmokeTests.cs", "ThrottleTests.cs", "RobustnessTests.cs")


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Keycloak OIDC package (a confidential client, prompt=login), rendered once."""
    out = tmp_path_factory.mktemp("aspnetcore-oidc") / "out"
    generate(KEYCLOAK_OIDC, out, ["aspnetcore"])
    return out / "aspnetcore"


@pytest.fixture(scope="module")
def public_oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small OIDC spec's package: a public client, links to the provider's register and reset pages."""
    out = tmp_path_factory.mktemp("aspnetcore-public-oidc") / "out"
    generate(PUBLIC_OIDC, out, ["aspnetcore"])
    return out / "aspnetcore"


def source(package: Path, suffix: str) -> str:
    (path,) = (p for p in package.glob("src/*/*.cs") if p.name.endswith(suffix))
    return path.read_text()


def test_aspnetcore_supports_oidc() -> None:
    assert TARGETS["aspnetcore"].supports_oidc


@pytest.mark.parametrize("name", ["oidc", "public_oidc"])
def test_tier1_passes(name: str, request: pytest.FixtureRequest) -> None:
    report = check_package(request.getfixturevalue(name))
    assert report.ok, "\n".join(map(str, report.problems))


def test_layout_has_no_password_code(oidc: Path) -> None:
    files = {p.name for p in oidc.rglob("*.cs")}
    assert not [name for name in files if name.endswith(PASSWORD_ONLY)]
    assert {"KeycloakOpenIdConnect.cs", "KeycloakSessions.cs", "KeycloakEndpoints.cs", "OidcTests.cs"} <= files
    assert "OidcRedisTests.cs" in files and "RedisTests.cs" not in files
    options = source(oidc, "Options.cs")
    assert "LoginLimit" not in options and "GetRetries" not in options


def test_only_the_oidc_routes_are_mapped(oidc: Path) -> None:
    endpoints = source(oidc, "Endpoints.cs")
    assert re.findall(r'(Get|Post)\(group, "([^"]+)"', endpoints) == [
        ("Get", "/login"),
        ("Post", "/logout"),
        ("Get", "/me"),
        ("Get", "/csrf"),
    ]
    for dead in ("/register", "/forgot", "/reset", "/verify", "/password"):
        assert f'"{dead}"' not in endpoints


def test_the_handler_runs_the_code_flow_with_pkce(oidc: Path) -> None:
    setup = source(oidc, "OpenIdConnect.cs")
    for setting in OIDC_HANDLER_SETTINGS:
        assert setting in setup
    assert 'Scopes = ["openid", "profile", "email", "roles"]' in setup
    assert 'AuthorizeParameters = [("prompt", "login")]' in setup
    assert "oidc.ClientSecret = settings.ClientSecret;" in setup
    assert "MapInboundClaims = false" in setup
    # never a hand-written token check: the handler validates the ID token
    assert "ValidateSignature" not in setup and "JwtSecurityTokenHandler" not in setup
    services = source(oidc, "ServiceCollectionExtensions.cs")
    assert "AddOpenIdConnect(KeycloakDefaults.OpenIdConnectScheme" in services
    assert ".AddAuthentication(KeycloakDefaults.AuthenticationScheme)" in services


def test_a_public_client_sends_no_secret_and_no_extra_parameters(public_oidc: Path) -> None:
    setup = source(public_oidc, "OpenIdConnect.cs")
    assert "ClientSecret" not in setup
    assert "AuthorizeParameters" not in setup and "RedirectToIdentityProvider(" not in setup
    assert 'Scopes = ["openid", "profile", "email"]' in setup


def test_the_sign_in_page_links_to_the_providers_pages_only_when_the_spec_names_them(
    oidc: Path, public_oidc: Path
) -> None:
    links = source(public_oidc, "Responses.cs")
    assert (
        '$"{settings.Issuer}/signup?client_id={Uri.EscapeDataString(settings.ClientId)}", "Create an account"' in links
    )
    assert '$"{settings.Issuer}/password-reset", "Forgot your password?"' in links
    assert "Create an account" not in source(oidc, "Responses.cs")


def test_the_library_references_the_openidconnect_package_not_the_resilience_one(oidc: Path) -> None:
    (project,) = oidc.glob("src/*/*.csproj")
    text = project.read_text()
    version = aspnetcore.ASPNETCORE_VERSION
    package = "Microsoft.AspNetCore.Authentication.OpenIdConnect"
    assert f'<PackageReference Include="{package}" Version="{version}" />' in text
    assert "Http.Resilience" not in text


def test_refresh_is_one_flight_per_session_through_the_token_endpoint(oidc: Path) -> None:
    sessions = source(oidc, "Sessions.cs")
    assert "flights.RunAsync(sessionKey" in sessions
    assert '["grant_type"] = "refresh_token"' in sessions
    assert "UpdateTokenValue" in sessions
    # the user is read by the password package's own reader, from the claims
    assert "return KeycloakUser.FromRecord(JsonSerializer.SerializeToElement(claims));" in sessions


def test_xunit_tests_cover_s23_to_s26_and_the_rest_of_the_contract(oidc: Path) -> None:
    tests = next(oidc.glob("tests/*/OidcTests.cs")).read_text()
    names = re.findall(r"public async Task (\w+)\(", tests)
    for case in ("S23", "S24", "S25", "S26"):
        assert any(n.startswith(case + "_") for n in names), case
    controls = ("ExpireAccessTokensAsync", "TamperNextIdTokenAsync", '"operation": "token", "status": 503', "Disabled")
    for needed in controls:
        assert needed in tests
    for how in ("issuer", "audience", "signature", "expired", "nonce"):
        assert f'[InlineData("{how}")]' in tests


def test_xunit_tests_run_two_instances_on_one_redis(oidc: Path) -> None:
    tests = next(oidc.glob("tests/*/OidcRedisTests.cs")).read_text()
    assert "[RedisFact]" in tests and '["Keycloak:RedisUrl"] = _redis!.Url' in tests
    # the sign-in starts on one instance and finishes on the other: the state's keys are shared too
    assert 'browserOnA.GetAsync(Visitor.Prefix + "/login")' in tests and "browserOnB.GetAsync(callback" in tests


def test_readme_starts_with_the_five_minute_oidc_set_up(oidc: Path, public_oidc: Path) -> None:
    readme = (oidc / "README.md").read_text()
    assert readme.index("## Auth in 5 minutes") < readme.index("## Settings")
    assert "/auth/callback" in readme and "/auth/signed-out" in readme
    for env in ("KEYCLOAK_ISSUER", "KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET"):
        assert env in readme
    assert "LoginLimit" not in readme and "register and forgot-password pages" not in readme
    assert "a public\n   client: no secret, PKCE alone" in (public_oidc / "README.md").read_text()


def test_tier1_reports_a_handler_without_pkce(oidc: Path, tmp_path: Path) -> None:
    copy = tmp_path / "aspnetcore"
    shutil.copytree(oidc, copy)
    (setup,) = copy.glob("src/*/*OpenIdConnect.cs")
    setup.write_text(setup.read_text().replace("oidc.UsePkce = true;", "oidc.UsePkce = false;"))
    (tests,) = copy.glob("tests/*/OidcTests.cs")
    tests.write_text(tests.read_text().replace("S25_", "Invalid_"))
    problems = [str(p) for p in check_package(copy).problems]
    assert any("does not set UsePkce = true" in p for p in problems), problems
    assert any("smoke case S25" in p for p in problems), problems


@pytest.mark.skipif(shutil.which("dotnet") is None, reason="tier 2 needs the .NET SDK (dotnet on PATH)")
@pytest.mark.parametrize("name", ["oidc", "public_oidc"])
def test_generated_xunit_tests_pass(name: str, request: pytest.FixtureRequest) -> None:
    package = request.getfixturevalue(name)
    for command in (["dotnet", "build", "-warnaserror"], ["dotnet", "test", "--no-build"]):
        done = subprocess.run(command, cwd=package, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
