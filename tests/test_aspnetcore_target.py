"""The ASP.NET Core target: what tier 1 checks here, and that it catches what it must.

Tier 2 (``dotnet build -warnaserror``, ``dotnet test``) needs the .NET SDK; these
tests never stand in for it.  They render the package and run tier 1
(:mod:`generator.verify_csharp`) on it, and show that tier 1 fails on a
template with a syntax error, a broken project file, a missing doc comment
or a renamed public API.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import targets
from generator.render import generate, render_target
from generator.spec import load_spec
from generator.targets import TARGETS

from .conftest import ACME, ROOT

pytest.importorskip(
    "tree_sitter_c_sharp", reason="tier 1 needs tree-sitter-c-sharp: pip install tree-sitter tree-sitter-c-sharp"
)

from generator.verify_csharp import check_package  # noqa: E402

# The examples with operations (the OIDC example has tests of its own: tests/test_aspnetcore_oidc.py).
SPECS = sorted(p for p in (ROOT / "examples").glob("*/identity.toml") if "[service.oidc]" not in p.read_text())
TEMPLATE = ROOT / "templates" / "aspnetcore"
CLIENT_TEMPLATE = (
    "{{cookiecutter.project_dir}}/src/{{cookiecutter.namespace}}/"
    "{% if not cookiecutter.is_oidc %}{{cookiecutter.class_name}}Client.cs{% endif %}"
)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Acme package, rendered once for the module."""
    out = tmp_path_factory.mktemp("aspnetcore") / "out"
    generate(ACME, out, ["aspnetcore"])
    return out / "aspnetcore"


def fresh_copy(package: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "aspnetcore"
    shutil.copytree(package, copy)
    return copy


def messages(root: Path) -> list[str]:
    return [str(p) for p in check_package(root).problems]


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.parent.name for p in SPECS])
def test_tier1_passes_for_every_example_spec(spec_path: Path, tmp_path: Path) -> None:
    generate(spec_path, tmp_path / "out", ["aspnetcore"])
    report = check_package(tmp_path / "out" / "aspnetcore")
    assert report.problems == ()
    assert report.cs_files >= 25 and report.project_files == 5


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    generate(ACME, tmp_path / "a", ["aspnetcore"])
    generate(ACME, tmp_path / "b", ["aspnetcore"])
    assert snapshot(tmp_path / "a" / "aspnetcore") == snapshot(tmp_path / "b" / "aspnetcore")


def test_package_layout(package: Path) -> None:
    expected = [
        "Acme.AspNetCore.slnx",
        "Directory.Build.props",
        "global.json",
        "README.md",
        "src/Acme.AspNetCore/Acme.AspNetCore.csproj",
        "src/Acme.AspNetCore/AcmeServiceCollectionExtensions.cs",
        "src/Acme.AspNetCore/AcmeEndpointRouteBuilderExtensions.cs",
        "src/Acme.AspNetCore/AcmeOptions.cs",
        "src/Acme.AspNetCore/AcmeUser.cs",
        "src/Acme.AspNetCore/AcmeClient.cs",
        "example/Acme.AspNetCore.Example.csproj",
        "example/Program.cs",
        "tests/Acme.AspNetCore.Tests/Acme.AspNetCore.Tests.csproj",
        "tests/Acme.AspNetCore.Tests/SmokeTests.cs",
        "tests/fake/__main__.py",
        "tests/fake/spec.json",
    ]
    assert [p for p in expected if not (package / p).is_file()] == []


def test_readme_starts_with_the_five_minutes(package: Path) -> None:
    readme = (package / "README.md").read_text()
    assert "builder.Services.AddAcmeAuthentication();" in readme
    assert "app.MapAcmeAuth();" in readme
    assert readme.index("Auth in 5 minutes") < readme.index("## What you get")


def test_smoke_tests_are_named_for_every_case(package: Path) -> None:
    text = (package / "tests" / "Acme.AspNetCore.Tests" / "SmokeTests.cs").read_text()
    for n in range(1, 18):
        assert f"public async Task S{n:02d}_" in text


def test_tier1_reports_a_syntax_error_planted_in_a_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Break one line of a template (a parenthesis left open); tier 1 names the file and the line."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE, templates / "aspnetcore")
    broken = templates / "aspnetcore" / CLIENT_TEMPLATE
    good = "        _baseUrl = _options.BaseUrl.TrimEnd('/');\n"
    text = broken.read_text()
    assert text.count(good) == 1
    broken.write_text(text.replace(good, "        _baseUrl = _options.BaseUrl.TrimEnd('/';\n"))
    monkeypatch.setattr(targets, "TEMPLATES_DIR", templates)
    dest = tmp_path / "out" / "aspnetcore"
    dest.parent.mkdir()
    render_target(load_spec(ACME), TARGETS["aspnetcore"], dest)

    rendered = (dest / "src" / "Acme.AspNetCore" / "AcmeClient.cs").read_text().splitlines()
    line = next(i for i, text in enumerate(rendered, 1) if "TrimEnd('/';" in text)
    problems = check_package(dest).problems
    assert problems, "tier 1 passed a package with a syntax error"
    assert {(p.path, p.line) for p in problems} == {("src/Acme.AspNetCore/AcmeClient.cs", line)}
    assert str(problems[0]).startswith(f"src/Acme.AspNetCore/AcmeClient.cs:{line}: ")


def test_tier1_reports_a_missing_brace(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeUser.cs"
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if text.strip() == "List<Claim> claims = [];")
    opening = index - 1
    assert lines[opening].strip() == "{"
    del lines[opening]
    path.write_text("".join(lines))
    problems = [p for p in check_package(copy).problems if p.path == "src/Acme.AspNetCore/AcmeUser.cs"]
    assert problems, "tier 1 passed a file with a missing brace"
    assert problems[0].line >= opening  # reported at the brace or where the parser first notices it


def test_tier1_reports_broken_project_files(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    tests = copy / "tests" / "Acme.AspNetCore.Tests" / "Acme.AspNetCore.Tests.csproj"
    tests.write_text(tests.read_text().replace('<PackageReference Include="xunit" Version="2.9.3" />', ""))
    library = copy / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj"
    library.write_text(library.read_text().replace("</Project>", ""))
    found = messages(copy)
    assert any("no PackageReference to xunit" in m for m in found)
    assert any(
        m.startswith("src/Acme.AspNetCore/Acme.AspNetCore.csproj:") and "not well-formed XML" in m for m in found
    )


def test_tier1_reports_a_public_member_without_doc_comment(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeOptions.cs"
    text = path.read_text()
    doc = "    /// <summary>The name of the session cookie (default <c>.Acme.Session</c>).</summary>\n"
    assert doc in text
    path.write_text(text.replace(doc, ""))
    assert any("public property CookieName has no /// doc comment" in m for m in messages(copy))


def test_tier1_reports_a_missing_public_api(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeEndpointRouteBuilderExtensions.cs"
    path.write_text(path.read_text().replace("MapAcmeAuth(", "MapAuth("))
    assert any("no public MapAcmeAuth(this IEndpointRouteBuilder)" in m for m in messages(copy))


def test_hostile_spec_strings_stay_escaped(tmp_path: Path) -> None:
    """Quotes, backslashes, ``${``, ``*/``, ``</script>``, non-ASCII and braces in spec strings."""
    hostile = 'Acme \\"Quoted\\" */ </script> $${x} {{ y }} \\\\ ünï'
    text = ACME.read_text().replace('name = "Acme Identity"', f'name = "{hostile}"')
    text = text.replace(
        'description = "Root URL of the Acme Identity API"', 'description = "Root */ URL\\n<b>&\\"x\\""'
    )
    text = text.replace('values = ["ACTIVE", "LOCKED"]', 'values = ["ACTIVE", "LOCKED", "say \\"hi\\" {x}"]')
    spec = tmp_path / "hostile.toml"
    spec.write_text(text)
    generate(spec, tmp_path / "out", ["aspnetcore"])
    assert check_package(tmp_path / "out" / "aspnetcore").problems == ()


def test_registry_says_how_to_build_test_and_serve() -> None:
    target = TARGETS["aspnetcore"]
    assert target.language == "csharp" and target.toolchains[0].command == "dotnet"
    assert target.test_commands == ("dotnet build -warnaserror", "dotnet test --no-build", "dotnet pack --no-build")
    assert target.kit_install and all(c.startswith("dotnet build") for c in target.kit_install)
    assert "{port}" in target.kit_serve and target.kit_serve.startswith("dotnet run")
    assert target.fake_dir == "tests/fake"


def test_tier1_reports_doc_comments_the_compiler_would_reject(package: Path, tmp_path: Path) -> None:
    """CS1570 (bad XML), CS1572/CS1573 (param tags) and CS1574 (cref) are errors under -warnaserror."""
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeClient.cs"
    text = path.read_text()
    text = text.replace('/// <param name="password">', '/// <param name="passwd">', 1)
    text = text.replace('<see cref="LoginAsync"/>', '<see cref="LogInAsync"/>', 1)
    text = text.replace("/// <summary>Create the client;", "/// <summary>Create <c>the client;", 1)
    path.write_text(text)
    found = [m for m in messages(copy) if m.startswith("src/Acme.AspNetCore/AcmeClient.cs:")]
    assert any('<param name="passwd"> names no parameter of LoginAsync' in m for m in found)
    assert any("LoginAsync documents some parameters but not password" in m for m in found)
    assert any('cref="LogInAsync" names nothing known' in m for m in found)
    assert any("XML doc comment is not well-formed" in m for m in found)


# -- issue 13: the sign-in throttle and the hardening, as far as tier 1 can see them ----------------


def test_throttle_settings_follow_the_contract(package: Path) -> None:
    """Off by default, window 300 s, the kit's ``ACME_LOGIN_LIMIT_*`` variables, checked on start."""
    src = package / "src" / "Acme.AspNetCore"
    options = (src / "AcmeOptions.cs").read_text()
    assert "public int LoginLimitPerAccount { get; set; }\n" in options
    assert "public int LoginLimitPerClient { get; set; }\n" in options
    assert "public TimeSpan LoginLimitWindow { get; set; } = TimeSpan.FromSeconds(300);" in options
    setup = (src / "AcmeOptionsSetup.cs").read_text()
    for variable in ("ACME_LOGIN_LIMIT_PER_ACCOUNT", "ACME_LOGIN_LIMIT_PER_CLIENT", "ACME_LOGIN_LIMIT_WINDOW"):
        assert f'"{variable}"' in setup
    assert "LoginLimitWindow must be longer" in setup
    # Single-value checks are DataAnnotations on the options, checked by a source-generated validator.
    for problem in ("LoginLimitPerAccount must be 0", "LoginLimitPerClient must be 0"):
        assert f'[Range(0, int.MaxValue, ErrorMessage = "Acme:{problem} (off) or more.")]' in options
    assert "[OptionsValidator]\ninternal sealed partial class AcmeOptionsAttributesValidator" in setup
    readme = (package / "README.md").read_text()
    assert "| `Acme:LoginLimitPerAccount` | `ACME_LOGIN_LIMIT_PER_ACCOUNT` |" in readme


def test_throttle_uses_the_shared_frameworks_rate_limiter(package: Path) -> None:
    """System.Threading.RateLimiting (in Microsoft.AspNetCore.App), registered, and no new package."""
    src = package / "src" / "Acme.AspNetCore"
    throttle = (src / "AcmeLoginThrottle.cs").read_text()
    assert "using System.Threading.RateLimiting;" in throttle
    assert "new FixedWindowRateLimiter(" in throttle
    assert "services.TryAddSingleton<AcmeLoginThrottle>();" in (src / "AcmeServiceCollectionExtensions.cs").read_text()
    project = (src / "Acme.AspNetCore.csproj").read_text()
    # the two Redis packages and the HTTP resilience pipeline only
    assert "RateLimiting" not in project and project.count("PackageReference") == 3
    endpoints = (src / "AcmeEndpoints.cs").read_text()
    refused = endpoints.index("throttle.RefusedFor(context, username)")
    assert refused < endpoints.index(".SignInAsync(context, username, password)")
    assert '"too_many_attempts"' in endpoints and "Headers.RetryAfter" in endpoints
    assert "too_many_attempts" in (src / "AcmeResponses.cs").read_text()


def test_xunit_project_tests_the_throttle_and_the_hardening(package: Path) -> None:
    tests = package / "tests" / "Acme.AspNetCore.Tests"
    throttle = (tests / "ThrottleTests.cs").read_text()
    for name in (
        "Per_Account_Limit_Answers_429_With_Retry_After",
        "Known_And_Unknown_Usernames_Are_Throttled_Alike",
        "Correct_Password_During_Lockout_Is_Refused_Without_Asking_The_Service",
        "Success_Clears_The_Count_Of_The_Username",
        "Per_Client_Limit_Counts_Every_Username_From_One_Address",
    ):
        assert f"public async Task {name}()" in throttle
    assert '["ACME_LOGIN_LIMIT_PER_ACCOUNT"]' in throttle
    robustness = (tests / "RobustnessTests.cs").read_text()
    for name in (
        "Next_Longer_Than_2048_Characters_Is_Dropped",
        "Api_Client_Accept_Headers_Get_Json_Never_A_Redirect",
        "Csrf_Token_In_The_Query_String_Is_Refused",
        "Json_Nested_10000_Deep_Is_400_Invalid_Input",
        "Accept_Image_Png_Gets_406_Without_A_Trace",
        "Unexpected_Error_Is_A_500_In_The_Error_Shape_Without_Details",
    ):
        assert f"public async Task {name}(" in robustness
    assert '"application/json, text/plain, */*"' in robustness
    assert '"application/json, text/javascript, */*; q=0.01"' in robustness
    assert '[InlineData("Development", true)]' in robustness


def test_tier1_reports_a_missing_throttle_setting(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeOptions.cs"
    text = path.read_text()
    declaration = "public int LoginLimitPerClient {"
    assert text.count(declaration) == 1
    path.write_text(text.replace(declaration, "public int LoginLimitPerAddress {"))
    assert any("AcmeOptions has no public property LoginLimitPerClient" in m for m in messages(copy))


# -- issue 18: several instances on one Redis --------------------------------------------------------


def test_redis_packages_follow_the_frameworks_patch_release(package: Path) -> None:
    """The Redis session store and key ring come from ASP.NET Core 10.0.x, the test project's release."""
    from generator.targets.aspnetcore import PACKAGES

    version = PACKAGES["Microsoft.AspNetCore.Mvc.Testing"]
    assert version.startswith("10.0.")
    project = (package / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj").read_text()
    for name in (
        "Microsoft.Extensions.Caching.StackExchangeRedis",
        "Microsoft.AspNetCore.DataProtection.StackExchangeRedis",
    ):  # noqa: E501
        assert f'<PackageReference Include="{name}" Version="{version}" />' in project


def test_redis_url_setting_switches_the_ticket_store_to_redis(package: Path) -> None:
    """``Acme:RedisUrl`` / ``ACME_REDIS_URL``: the ticket store's cache is then the Redis one; else the app's."""
    src = package / "src" / "Acme.AspNetCore"
    assert "public string? RedisUrl { get; set; }" in (src / "AcmeOptions.cs").read_text()
    setup = (src / "AcmeOptionsSetup.cs").read_text()
    assert 'options.RedisUrl = Variable(configuration, "ACME_REDIS_URL") ?? options.RedisUrl;' in setup
    assert "AcmeRedis.TryParseUrl(options.RedisUrl, out _)" in setup
    services = (src / "AcmeServiceCollectionExtensions.cs").read_text()
    assert (
        "new AcmeTicketStore(\n            provider.GetRequiredService<AcmeRedis>().Cache"
        " ?? provider.GetRequiredService<IDistributedCache>())"
    ) in services
    assert "keys.XmlRepository is null" in services and "new RedisXmlRepository(" in services
    redis = (src / "AcmeRedis.cs").read_text()
    assert "new RedisCache(new RedisCacheOptions" in redis
    assert "ConnectionMultiplexerFactory" in redis
    readme = (package / "README.md").read_text()
    assert "## Several instances" in readme
    assert "| `Acme:RedisUrl` | `ACME_REDIS_URL` |" in readme


def test_xunit_project_tests_two_instances_on_a_real_redis(package: Path) -> None:
    tests = package / "tests" / "Acme.AspNetCore.Tests"
    redis = (tests / "RedisTests.cs").read_text()
    for name in (
        "Two_Instances_Share_Sessions_And_The_Cached_User",
        "Signed_Out_On_One_Instance_Is_Refused_By_The_Other_Also_After_A_Restart",
        "Without_Redis_Each_Instance_Keeps_Its_Own_Sessions",
    ):
        assert f"public async Task {name}()" in redis
    assert redis.count("[RedisFact]") == 3  # the S18 refresh across two instances too (Acme has refresh)
    assert "public async Task S18_Requests_On_Two_Instances_After_Expiry_Cause_One_Refresh()" in redis
    server = (tests / "RedisServer.cs").read_text()
    assert 'FindOnPath("redis-server")' in server and '"--bind", "127.0.0.1"' in server
    assert "Skip = RedisServer.Missing;" in server and "apt-get install redis-server" in server
    assert "_process.Kill(entireProcessTree: true);" in server
    startup = (tests / "StartupTests.cs").read_text()
    assert "public void Invalid_Redis_Url_Stops_Start_Up_Naming_It(" in startup
    assert "public void Redis_Password_Is_Not_Repeated_In_The_Start_Up_Error()" in startup


def test_tier1_reports_a_redis_url_problem_that_would_not_compile(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "AcmeRedis.cs"
    path.write_text(path.read_text().replace("public static bool TryParseUrl(", "public static bool TryParseUrl((", 1))
    assert any(m.startswith("src/Acme.AspNetCore/AcmeRedis.cs:") for m in messages(copy))


# -- issue 15: the session lifecycle, as far as tier 1 can see it ------------------------------------

LIFECYCLE_ROUTES = {"reset_password": "/reset", "verify_email": "/verify", "change_password": "/password"}


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.parent.name for p in SPECS])
def test_lifecycle_routes_and_files_exist_only_with_their_operations(spec_path: Path, tmp_path: Path) -> None:
    spec = load_spec(spec_path)
    generate(spec_path, tmp_path / "out", ["aspnetcore"])
    package = tmp_path / "out" / "aspnetcore"
    name = spec.service.class_name
    src = package / "src" / f"{spec.service.class_name}.AspNetCore"
    if not src.is_dir():  # a spec naming its own namespace
        src = next(p for p in (package / "src").iterdir() if p.is_dir())
    endpoints = (src / f"{name}Endpoints.cs").read_text()
    for operation, route in LIFECYCLE_ROUTES.items():
        assert (f'Get(group, "{route}",' in endpoints) == spec.has(operation), (operation, route)
        assert (f'Post(group, "{route}",' in endpoints) == spec.has(operation), (operation, route)
    assert (src / f"{name}RefreshFlights.cs").is_file() == spec.has("refresh")
    assert ("EndServiceSessionAsync(context)" in endpoints) == spec.has("logout")
    client = (src / f"{name}Client.cs").read_text()
    for operation, method in (
        ("refresh", "RefreshAsync("),
        ("logout", "LogoutAsync("),
        ("reset_password", "ResetPasswordAsync("),
        ("change_password", "ChangePasswordAsync("),
        ("verify_email", "VerifyEmailAsync("),
    ):
        assert (
            f"public async Task{'<IReadOnlyDictionary<string, string>>' if operation == 'refresh' else ''} {method}"
            in client
        ) == spec.has(operation)
    lifecycle = any(spec.has(op) for op in ("refresh", "logout", *LIFECYCLE_ROUTES))
    tests = next((package / "tests").glob("*.Tests"))
    assert (tests / "LifecycleTests.cs").is_file() == lifecycle


def test_xunit_project_names_s18_to_s22(package: Path) -> None:
    text = (package / "tests" / "Acme.AspNetCore.Tests" / "LifecycleTests.cs").read_text()
    for case in ("S18", "S19", "S20", "S21", "S22"):
        assert f"public async Task {case}_" in text, case
    assert text.count("[FakeFact]") + text.count("[FakeTheory]") >= 12  # skipped against a real service
    assert "S18_Concurrent_Requests_After_Expiry_Cause_One_Refresh" in text
    assert 'Assert.Equal(refreshes + 1, await app.Fake.CountAsync("refresh"));' in text


def test_refresh_is_one_flight_per_session_and_a_redis_lock_across_instances(package: Path) -> None:
    src = package / "src" / "Acme.AspNetCore"
    flights = (src / "AcmeRefreshFlights.cs").read_text()
    assert "_flights.GetOrAdd(sessionKey, key => new(() => LockedAsync(key, refresh)))" in flights
    assert "database.LockTakeAsync(lockKey, owner, hold)" in flights  # SET NX PX
    assert "database.LockReleaseAsync(lockKey, owner)" in flights
    sessions = (src / "AcmeSessions.cs").read_text()
    # S12 holds: nothing is refreshed or fetched within the user cache's TTL.
    preemptive = sessions.index("if (HasExpired(service) && !RefreshedLately(context.Properties))")
    assert sessions.index("age < options.Value.SessionTtl") < preemptive
    assert "when (!refreshed && error.Kind is AcmeErrorKind.Expired or AcmeErrorKind.InvalidCredentials)" in sessions
    # The refresher reads the stored session first: another request or instance may have refreshed it.
    refreshed = sessions[sessions.index("private async Task<IReadOnlyDictionary<string, string>> RefreshedAsync(") :]
    assert refreshed.index("store.RetrieveAsync(sessionKey)") < refreshed.index(
        "client.RefreshAsync(service, CancellationToken.None)"
    )
    assert refreshed.index("client.RefreshAsync(") < refreshed.index("store.RenewAsync(sessionKey!, stored)")


def test_lifecycle_answers_follow_the_contract(package: Path) -> None:
    src = package / "src" / "Acme.AspNetCore"
    exception = (src / "AcmeException.cs").read_text()
    for text in (
        'AcmeErrorKind.Unverified => "Verify your email address first: use the link we sent you."',
        'AcmeErrorKind.InvalidToken => "This link is not valid or was already used. Ask for a new one."',
        'AcmeErrorKind.ExpiredToken => "This link has expired. Ask for a new one."',
        'AcmeErrorKind.PasswordPolicy => "The new password does not meet the password policy."',
        '_ => "The identity service answered something unexpected."',
        "AcmeErrorKind.PasswordPolicy => 422,",
        "AcmeErrorKind.Unverified => 403,",
        "public string PublicMessage => ServiceMessage ?? Kind switch",  # the service's words when the rule has them
    ):
        assert text in exception, text
    client = (src / "AcmeClient.cs").read_text()
    assert 'new ErrorRule(422, AcmeErrorKind.PasswordPolicy) { Message = "/error/message" },' in client
    endpoints = (src / "AcmeEndpoints.cs").read_text()
    for text in (
        '"This link is incomplete. Use the link in the email, or ask for a new one."',
        '"The two passwords do not match."',
        '"Your current password is not correct."',
        '"Your password has been changed. You can sign in now."',
        '"Your email address is verified. You can sign in now."',
        '"Your password has been changed."',
        'new AcmeFormField("current_password", "Current password", "password", "current-password")',
        'new AcmeFormField("new_password", "New password", "password", "new-password")',
        'new JsonObject { ["status"] = "reset" }',
        'new JsonObject { ["status"] = "verified" }',
        'new JsonObject { ["status"] = "changed" }',
        "or AcmeErrorKind.Unverified)",  # counted by the sign-in throttle
    ):
        assert text in endpoints, text
    # The service is not asked when the two passwords differ.
    reset = endpoints[endpoints.index("private static async Task ResetAsync(") :]
    assert reset.index("PasswordsDiffer") < reset.index(".ResetPasswordAsync(")


# -- issue 19: no side effects in an existing app, the framework's own parts ------------------------


def test_no_middleware_unless_the_app_asks(package: Path) -> None:
    """No IStartupFilter: the app adds the error middleware itself with UseAcmeErrorHandling (the example does)."""
    src = package / "src" / "Acme.AspNetCore"
    assert not any("IStartupFilter" in p.read_text() for p in src.glob("*.cs"))
    middleware = (src / "AcmeErrorMiddleware.cs").read_text()
    assert "public static IApplicationBuilder UseAcmeErrorHandling(this IApplicationBuilder app)" in middleware
    assert "environment.IsDevelopment() && !context.Request.Path.StartsWithSegments(" in middleware
    program = (package / "example" / "Program.cs").read_text()
    assert program.index("app.UseAcmeErrorHandling();") < program.index("app.MapAcmeAuth();")
    assert "app.UseAcmeErrorHandling();" in (package / "README.md").read_text()
    existing = (package / "tests" / "Acme.AspNetCore.Tests" / "ExistingAppTests.cs").read_text()
    assert "public async Task Existing_App_Keeps_Its_Own_Routes_Middleware_And_Errors()" in existing
    assert "Assert.Null(boom.Content.Headers.ContentType);" in existing  # the app's own 500, untouched
    assert "UseAcmeErrorHandling" not in existing.split("// No middleware")[0]


def test_accept_is_read_with_the_frameworks_typed_headers(package: Path) -> None:
    content = (package / "src" / "Acme.AspNetCore" / "AcmeContent.cs").read_text()
    assert "request.GetTypedHeaders().Accept" in content
    assert "Split(" not in content and "ParseAccept" not in content


def test_single_value_options_checks_are_data_annotations(package: Path) -> None:
    src = package / "src" / "Acme.AspNetCore"
    options = (src / "AcmeOptions.cs").read_text()
    assert "using System.ComponentModel.DataAnnotations;" in options
    assert options.count("[Range(") == 3 and options.count("[RegularExpression(") == 2
    setup = (src / "AcmeOptionsSetup.cs").read_text()
    assert "GeneratedRegex" not in setup and "GetRetries" not in setup
    services = (src / "AcmeServiceCollectionExtensions.cs").read_text()
    assert "IValidateOptions<AcmeOptions>, AcmeOptionsAttributesValidator>" in services


def test_tier1_reports_a_missing_lifecycle_smoke_test(package: Path, tmp_path: Path) -> None:
    """A package whose client can change passwords needs an S21 test; renaming them away fails tier 1."""
    copy = fresh_copy(package, tmp_path)
    path = copy / "tests" / "Acme.AspNetCore.Tests" / "LifecycleTests.cs"
    path.write_text(path.read_text().replace("public async Task S21_", "public async Task Password_"))
    assert messages(copy) == ["tests:1: no xUnit test named S21_... for smoke case S21"]


# -- issue 19: the HTTP resilience pipeline, and a package ready for a NuGet feed ---------------------


def test_get_retries_are_a_resilience_pipeline_of_the_http_client_factory(package: Path) -> None:
    """Microsoft.Extensions.Http.Resilience in place of a hand-written handler: retries of GETs that did not connect.

    The pipeline is chosen per HTTP method (SelectPipelineBy, a stable API), so only the GET one retries;
    the library's DisableFor / GetRequestMessage would do it too, but they are experimental (EXTEXP0001),
    an error when the library builds.
    """
    src = package / "src" / "Acme.AspNetCore"
    assert not (src / "GetRetryHandler.cs").exists()
    project = (src / "Acme.AspNetCore.csproj").read_text()
    assert '<PackageReference Include="Microsoft.Extensions.Http.Resilience" Version="10.11.0" />' in project
    services = (src / "AcmeServiceCollectionExtensions.cs").read_text()
    assert "GetRetryHandler" not in services and "AddHttpMessageHandler" not in services
    assert '.AddResilienceHandler("service", ConfigureResilience)' in services
    assert ".SelectPipelineBy(static _ => static request => request.Method.Method);" in services
    configure = services[services.index("private static void ConfigureResilience(") :]
    assert "if (context.InstanceName != HttpMethod.Get.Method || retries == 0)" in configure
    assert "MaxRetryAttempts = retries," in configure and "BackoffType = DelayBackoffType.Exponential," in configure
    # Only a request that never reached the service: no 5xx, no timeout, nothing the service answered.
    assert "ShouldHandle = static args => ValueTask.FromResult(NotConnected(args.Outcome.Exception))," in configure
    assert "HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError" in configure
    assert "HttpClientResiliencePredicates" not in services and "AddStandardResilienceHandler" not in services
    for experimental in ("DisableFor", "GetRequestMessage", "RemoveAllResilienceHandlers"):
        assert experimental not in services
    # The deadline stays the HttpClient's: one for the call and its retries, answered 503 by the client.
    assert "http.Timeout = provider.GetRequiredService<IOptions<AcmeOptions>>().Value.Timeout;" in services
    assert "no answer within" in (src / "AcmeClient.cs").read_text()


def test_nuget_metadata_comes_from_the_package_table(package: Path) -> None:
    project = (package / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj").read_text()
    for element in (
        "<IsPackable>true</IsPackable>",
        "<PackageId>Acme.AspNetCore</PackageId>",
        "<Version>0.1.0</Version>",
        "<Authors>Acme Developer Experience</Authors>",
        "<Copyright>Copyright (c) Acme Inc.</Copyright>",
        "<PackageLicenseExpression>MIT</PackageLicenseExpression>",
        "<PackageReadmeFile>README.md</PackageReadmeFile>",
        "<RepositoryUrl>https://github.com/acme/identity-integrations</RepositoryUrl>",
        "<RepositoryType>git</RepositoryType>",
        "<PackageTags>authentication;aspnetcore;acme</PackageTags>",
        '<None Include="../../README.md" Pack="true" PackagePath="/" Visible="false" />',
    ):
        assert element in project, element
    assert "<PackageLicenseFile>" not in project  # an SPDX expression needs no file in the package


def test_nuget_metadata_without_repository_or_authors(tmp_path: Path) -> None:
    """The [package] defaults: no repository elements at all; the copyright holder as Authors."""
    text = ACME.read_text(encoding="utf-8")
    table = text.split("\n[package]\n", 1)[1].split("\n[", 1)[0]
    spec = tmp_path / "identity.toml"
    spec.write_text(text.replace(table, 'license = "Apache-2.0"\nversion = "2.0.0-rc.1"\n'), encoding="utf-8")
    generate(spec, tmp_path / "out", ["aspnetcore"])
    root = tmp_path / "out" / "aspnetcore"
    project = (root / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj").read_text()
    assert "Repository" not in project
    assert "<Authors>Acme Identity integration authors</Authors>" in project
    assert "<PackageLicenseExpression>Apache-2.0</PackageLicenseExpression>" in project
    assert "<Version>2.0.0-rc.1</Version>" in project
    assert check_package(root).problems == ()


@pytest.mark.parametrize(
    "element",
    ["PackageId", "Version", "Authors", "Description", "PackageLicenseExpression", "PackageReadmeFile", "PackageTags"],
)
def test_tier1_reports_missing_nuget_metadata(element: str, package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj"
    lines = path.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith(f"<{element}>")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept))
    assert f"src/Acme.AspNetCore/Acme.AspNetCore.csproj:1: the library's package has no {element}" in messages(copy)


def test_tier1_reports_a_readme_or_repository_nuget_would_not_take(package: Path, tmp_path: Path) -> None:
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj"
    text = path.read_text()
    packed = '<None Include="../../README.md" Pack="true" PackagePath="/" Visible="false" />'
    assert packed in text
    path.write_text(text.replace(packed, "").replace("<RepositoryType>git</RepositoryType>", ""))
    found = messages(copy)
    assert any('PackageReadmeFile README.md is not packed (no item with Pack="true")' in m for m in found)
    assert any("RepositoryUrl and RepositoryType go together" in m for m in found)
    moved = text.replace('Include="../../README.md"', 'Include="../README.md"')
    path.write_text(moved.replace("<Version>0.1.0<", "<Version>1.0<"))
    found = messages(copy)
    assert any("the packed README ../README.md does not exist" in m for m in found)
    assert any("the package Version '1.0' is not a SemVer version" in m for m in found)


def test_tier1_reports_a_namespace_without_its_package(package: Path, tmp_path: Path) -> None:
    """The resilience pipeline's namespaces are not in the shared framework: without its PackageReference, no build."""
    copy = fresh_copy(package, tmp_path)
    path = copy / "src" / "Acme.AspNetCore" / "Acme.AspNetCore.csproj"
    reference = '<PackageReference Include="Microsoft.Extensions.Http.Resilience" Version="10.11.0" />'
    text = path.read_text()
    assert reference in text
    path.write_text(text.replace(reference, ""))
    source = (copy / "src" / "Acme.AspNetCore" / "AcmeServiceCollectionExtensions.cs").read_text().splitlines()
    lines = {name: source.index(f"using {name};") + 1 for name in ("Polly", "Microsoft.Extensions.Http.Resilience")}
    found = messages(copy)
    for name, line in lines.items():
        expected = (
            f"src/Acme.AspNetCore/AcmeServiceCollectionExtensions.cs:{line}: "
            f"using {name} needs a PackageReference to Microsoft.Extensions.Http.Resilience"
        )
        assert expected in found
    path.write_text(text.replace('Version="10.11.0"', 'Version="10.*"'))
    assert any(
        "the PackageReference to Microsoft.Extensions.Http.Resilience has no exact Version" in m for m in messages(copy)
    )
