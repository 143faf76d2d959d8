"""The Spring Boot target: what it renders, how spec text lands in Java, XML and pages, and deterministic output.

The generated package's own build (``mvn -q -B verify``: javac -Xlint:all -Werror, the auto-configuration
tests and the smoke tests S1-S17) runs in the ``smoke-spring`` nox session; here the starter is compiled
once for a hostile spec when Maven and a warm local repository are at hand.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.render import generate
from generator.targets import TARGETS

from .conftest import ACME, ROOT

AUTOCONFIGURE = "spring/autoconfigure/src/main"
PACKAGE = AUTOCONFIGURE + "/java/com/acme/auth"
EXAMPLE = "spring/example"
IMPORTS = "org.springframework.boot.autoconfigure.AutoConfiguration.imports"

AWKWARD_NAME = 'Acme "Identity" */ </script> \\u000a ${x} {{ y }} ünï'
AWKWARD_DESCRIPTION = "Root URL; it's <b>bold</b> */ \\ @see\nsecond line"

MVN = shutil.which("mvn")
BOOT_IN_LOCAL_REPOSITORY = (
    Path.home() / ".m2/repository/org/springframework/boot/spring-boot-starter-parent/4.0.7"
).is_dir()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def variant(folder: Path, **replacements: str) -> Path:
    """A copy of the Acme spec with pieces of text replaced."""
    text = ACME.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    spec = folder / "identity.toml"
    spec.write_text(text, encoding="utf-8")
    return spec


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["spring"])
    return out


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ACME, tmp_path_factory.mktemp("acme") / "out")


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No credentials, a form login, and neither register nor forgot_password."""
    return render(ROOT / "examples" / "keycloak" / "identity.toml", tmp_path_factory.mktemp("keycloak") / "out")


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hostile text in the name, a description, a role and enum values; fields named like the user's own methods."""
    folder = tmp_path_factory.mktemp("awkward")
    spec = variant(
        folder,
        **{
            'name = "Acme Identity"': f"name = {json.dumps(AWKWARD_NAME)}",
            '"Root URL of the Acme Identity API"': json.dumps(AWKWARD_DESCRIPTION),
            'slug = "acme"': 'slug = "z"',
            'env = "ACME_': 'env = "Z_',
            'admin_roles = ["admins"]': 'admin_roles = ["it\'s </script> admin"]',
            'spring = { group_id = "com.acme", package = "com.acme.auth" }': 'spring = { group_id = "org.z" }',
            'created = { type = "datetime"': "\n".join(
                [
                    'authorities = { type = "list<string>", from = "/authorities", optional = true }',
                    'enabled = { type = "bool", from = "/enabled" }',
                    'staff = { type = "bool", from = "/staff", optional = true }',
                    'tier = { type = "enum", values = ["gold-plus", "1st", "class", "*/"], from = "/tier" }',
                    'logins = { type = "int", from = "/logins" }',
                    'score = { type = "float", from = "/score", optional = true }',
                    'created = { type = "datetime"',
                ]
            ),
        },
    )
    return render(spec, folder / "out")


@pytest.fixture(scope="module")
def long_slug(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A twelve-letter slug: every type name is as long as it gets in practice."""
    folder = tmp_path_factory.mktemp("long")
    spec = variant(
        folder,
        **{
            'slug = "acme"': 'slug = "fusionauthio"',
            'spring = { group_id = "com.acme", package = "com.acme.auth" }': 'spring = { group_id = "io.fusionauth" }',
        },
    )
    return render(spec, folder / "out")


def java_sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.java"))


# -- what is rendered ----------------------------------------------------------------------


def test_renders_the_starter_the_example_and_the_tests(acme: Path) -> None:
    files = set(snapshot(acme))
    for name in (
        "AutoConfiguration",
        "Properties",
        "Client",
        "User",
        "AuthenticationProvider",
        "AuthController",
        "SecurityConfigurer",
        "UserRefreshFilter",
        "ServiceException",
    ):
        assert f"{PACKAGE}/Acme{name}.java" in files
    assert f"{AUTOCONFIGURE}/resources/META-INF/spring/{IMPORTS}" in files
    for page in ("layout", "fields", "login", "register", "forgot", "forbidden", "error"):
        assert f"{AUTOCONFIGURE}/resources/templates/acme/{page}.html" in files
    assert {"spring/pom.xml", "spring/autoconfigure/pom.xml", "spring/starter/pom.xml", f"{EXAMPLE}/pom.xml"} <= files
    assert "spring/README.md" in files
    assert f"{EXAMPLE}/src/main/java/com/acme/example/ExampleApplication.java" in files
    assert f"{EXAMPLE}/src/test/java/com/acme/example/AcmeSmokeTests.java" in files
    assert "spring/autoconfigure/src/test/java/com/acme/auth/AcmeAutoConfigurationTests.java" in files


def test_the_fake_sits_where_the_registry_says(acme: Path) -> None:
    fake = acme / "spring" / TARGETS["spring"].fake_dir
    assert (fake / "__main__.py").is_file() and (fake / "spec.json").is_file()
    assert fake == acme / EXAMPLE / "src" / "test" / "fake"


def test_auto_configuration_is_registered_the_spring_boot_way(acme: Path) -> None:
    imports = acme / AUTOCONFIGURE / "resources/META-INF/spring" / IMPORTS
    assert imports.read_text() == (
        "com.acme.auth.AcmeAutoConfiguration\ncom.acme.auth.AcmeSignedOutSessionsAutoConfiguration\n"
    )
    factories = (acme / AUTOCONFIGURE / "resources/META-INF/spring.factories").read_text()
    assert (
        "org.springframework.boot.EnvironmentPostProcessor=\\\ncom.acme.auth.AcmeEnvironmentPostProcessor" in factories
    )


def test_redis_sessions_are_optional_and_switched_on_by_a_property(acme: Path) -> None:
    """Spring Session Data Redis: optional in the starter, in the example, and left out until the property is set."""
    dependency = re.compile(
        r"<dependency>\s*<groupId>org.springframework.boot</groupId>\s*"
        r"<artifactId>spring-boot-starter-session-data-redis</artifactId>\s*(<optional>true</optional>\s*)?</dependency>"
    )
    starter = dependency.search((acme / "spring/autoconfigure/pom.xml").read_text())
    example = dependency.search((acme / EXAMPLE / "pom.xml").read_text())
    assert starter is not None and starter.group(1) is not None, "optional in the auto-configuration, version from Boot"
    assert example is not None and example.group(1) is None, "the example app can share a Redis"
    factories = (acme / AUTOCONFIGURE / "resources/META-INF/spring.factories").read_text()
    assert (
        "org.springframework.boot.autoconfigure.AutoConfigurationImportFilter=\\\ncom.acme.auth.AcmeSessionStoreFilter"
        in factories
    )
    post_processor = (acme / PACKAGE / "AcmeEnvironmentPostProcessor.java").read_text()
    assert 'Map.entry("acme.redis-url", "ACME_REDIS_URL")' in post_processor
    assert "## Several instances" in (acme / "spring/README.md").read_text()


def test_with_redis_sessions_the_instances_share_refreshes_through_redis(acme: Path) -> None:
    """A lock and the renewed session in the same Redis, wired only when the sessions are kept there."""
    refresher = (acme / PACKAGE / "AcmeRedisSessionRefresher.java").read_text()
    assert "extends AcmeSessionRefresher" in refresher
    assert ".setIfAbsent(lock, owner, LOCK_TIMEOUT)" in refresher and "expired.digest()" in refresher
    configuration = (acme / PACKAGE / "AcmeAutoConfiguration.java").read_text()
    assert "@Conditional(OnRedisSessions.class)\n    static class RedisSessionRefresherConfiguration" in configuration
    assert (acme / "spring/autoconfigure/src/test/java/com/acme/auth/AcmeRedisSessionRefresherTests.java").is_file()


def test_spring_has_a_scale_session() -> None:
    from generator.kit.scale import SCALE_TARGETS

    assert "spring" in SCALE_TARGETS


def test_pages_exist_only_for_operations_in_the_spec(keycloak: Path) -> None:
    pages = {p.name for p in (keycloak / "spring/autoconfigure/src/main/resources/templates/keycloak").iterdir()}
    assert pages == {"layout.html", "fields.html", "login.html", "forbidden.html", "error.html"}
    controller = (
        keycloak / "spring/autoconfigure/src/main/java/com/example/keycloak/auth/KeycloakAuthController.java"
    ).read_text()
    assert '"/register"' not in controller and '"/forgot"' not in controller


def test_lifecycle_routes_and_pages_exist_only_for_the_specs_operations(acme: Path, keycloak: Path) -> None:
    """Acme has every lifecycle operation; Keycloak only refresh and logout: no reset, verify or password route."""
    pages = {p.name for p in (acme / AUTOCONFIGURE / "resources/templates/acme").iterdir()}
    assert {"reset.html", "verify.html", "password.html"} <= pages
    controller = (acme / PACKAGE / "AcmeAuthController.java").read_text()
    for route in ('"/reset"', '"/verify"', '"/password"', "this.client.logout("):
        assert route in controller
    assert "AcmeAuthenticationProvider.UnverifiedException" in controller
    keycloak_package = keycloak / "spring/autoconfigure/src/main/java/com/example/keycloak/auth"
    controller = (keycloak_package / "KeycloakAuthController.java").read_text()
    for route in ('"/reset"', '"/verify"', '"/password"', "UnverifiedException", "PASSWORDS_DIFFER"):
        assert route not in controller
    assert "this.client.logout(" in controller
    assert (keycloak_package / "KeycloakSessionRefresher.java").is_file()
    filter_ = (keycloak_package / "KeycloakUserRefreshFilter.java").read_text()
    assert "this.refresher" in filter_


def test_no_refresh_machinery_without_a_refresh_operation(tmp_path: Path) -> None:
    """A spec without refresh and expires_in gets no refresher, no deadline check and no S18 tests."""
    text = ACME.read_text(encoding="utf-8")
    start = text.index("[operations.refresh]")
    text = text[:start] + text[text.index("[operations.logout]") :]
    text = text.replace(', refresh_token = "/refresh_token", expires_in = "/expires_in"', "")
    spec = tmp_path / "identity.toml"
    spec.write_text(text, encoding="utf-8")
    out = render(spec, tmp_path / "out")
    assert not (out / PACKAGE / "AcmeSessionRefresher.java").exists()
    assert not (out / PACKAGE / "AcmeRedisSessionRefresher.java").exists()
    assert "Redis" not in (out / PACKAGE / "AcmeAutoConfiguration.java").read_text()
    assert not (out / "spring/autoconfigure/src/test/java/com/acme/auth/AcmeRedisSessionRefresherTests.java").exists()
    for name in ("AcmeUserRefreshFilter.java", "AcmeServiceSession.java", "AcmeAuthController.java"):
        source = (out / PACKAGE / name).read_text()
        assert "refresher" not in source and "hasExpired" not in source, name
    tests = (out / EXAMPLE / "src/test/java/com/acme/example/AcmeSmokeTests.java").read_text()
    assert "void s18" not in tests and "void s19" in tests


def test_the_login_limit_has_its_own_tests_and_settings(acme: Path, awkward: Path) -> None:
    tests = (acme / EXAMPLE / "src/test/java/com/acme/example/AcmeLoginLimitTests.java").read_text()
    assert '"acme.login-limit.per-account=3"' in tests and "void twentyConcurrentSignInsAllSucceed()" in tests
    readme = (awkward / "spring/README.md").read_text()
    for variable in ("Z_LOGIN_LIMIT_PER_ACCOUNT", "Z_LOGIN_LIMIT_PER_CLIENT", "Z_LOGIN_LIMIT_WINDOW"):
        assert f"`{variable}`" in readme
    parent = (acme / "spring/pom.xml").read_text()
    assert re.search(r"<bucket4j.version>\d+\.\d+\.\d+</bucket4j.version>", parent)
    assert "<artifactId>bucket4j_jdk17-core</artifactId>" in (acme / "spring/autoconfigure/pom.xml").read_text()


def test_a_thin_starter_over_an_auto_configuration_module(acme: Path) -> None:
    """Spring Boot's layout for third-party starters: the code and its optional dependencies in one module, the
    dependencies an application needs in a starter without code."""
    modules = re.findall(r"<module>(\w+)</module>", (acme / "spring/pom.xml").read_text())
    assert modules == ["autoconfigure", "starter", "example"]
    assert not (acme / "spring/starter/src").exists()
    starter = (acme / "spring/starter/pom.xml").read_text()
    assert "<artifactId>acme-spring-boot-autoconfigure</artifactId>" in starter and "<optional>" not in starter
    autoconfigure = (acme / "spring/autoconfigure/pom.xml").read_text()
    for optional in ("webmvc", "thymeleaf", "validation"):
        assert re.search(
            rf"<artifactId>spring-boot-starter-{optional}</artifactId>\s*<optional>true</optional>", autoconfigure
        ), optional
        assert f"<artifactId>spring-boot-starter-{optional}</artifactId>" in starter
    assert "<artifactId>acme-spring-boot-starter</artifactId>" in (acme / EXAMPLE / "pom.xml").read_text()


def test_thymeleaf_pages_only_when_thymeleaf_is_there(acme: Path) -> None:
    configuration = (acme / PACKAGE / "AcmeAutoConfiguration.java").read_text()
    assert '@ConditionalOnClass(name = "org.thymeleaf.spring6.view.ThymeleafViewResolver")' in configuration
    assert '@ConditionalOnMissingClass("org.thymeleaf.spring6.view.ThymeleafViewResolver")' in configuration
    assert "@EnableWebSecurity" not in configuration.split("public class")[1]
    tests = (acme / "spring/autoconfigure/src/test/java/com/acme/auth/AcmeAutoConfigurationTests.java").read_text()
    assert 'new FilteredClassLoader("org.thymeleaf")' in tests


def test_the_client_sends_with_rest_client_and_retries_with_springs_retry_template(acme: Path) -> None:
    client = (acme / PACKAGE / "AcmeClient.java").read_text()
    transport = (acme / PACKAGE / "ServiceTransport.java").read_text()
    assert "import org.springframework.web.client.RestClient;" in client
    for source in (client, transport, (acme / PACKAGE / "ServiceRequest.java").read_text()):
        assert "java.net.http.HttpClient" not in source and "Thread.sleep" not in source
    assert "new RetryTemplate(RetryPolicy.builder()" in transport
    configuration = (acme / PACKAGE / "AcmeAutoConfiguration.java").read_text()
    assert "ObjectProvider<RestClient.Builder> builders" in configuration


def test_poms_carry_what_maven_central_requires(acme: Path, keycloak: Path) -> None:
    parent = (acme / "spring/pom.xml").read_text()
    for element in (
        "<url>https://github.com/acme/identity-integrations</url>",
        "<name>MIT License</name>",
        "<url>https://opensource.org/license/mit</url>",
        "<name>Acme Developer Experience</name>",
        "<email>dx@acme.example</email>",
        "<connection>scm:git:https://github.com/acme/identity-integrations.git</connection>",
    ):
        assert element in parent, element
    for module in ("autoconfigure", "starter"):
        pom = (acme / f"spring/{module}/pom.xml").read_text()
        assert "<name>" in pom and "<description>" in pom, module
    autoconfigure = (acme / "spring/autoconfigure/pom.xml").read_text()
    assert "<artifactId>maven-source-plugin</artifactId>" in autoconfigure
    assert "<artifactId>maven-javadoc-plugin</artifactId>" in autoconfigure
    assert "<classifier>javadoc</classifier>" in (acme / "spring/starter/pom.xml").read_text()
    assert "<include>LICENSE</include>" in parent
    # without a repository in the spec, no url or scm elements at all (Central's checks would reject empty ones);
    # without authors, the copyright holder is the developer Central asks for
    bare = (keycloak / "spring/pom.xml").read_text()
    assert "<scm" not in bare and "<licenses>" in bare
    assert "<developer>\n            <name>Keycloak integration authors</name>" in bare


def test_csrf_tokens_are_read_from_the_body_or_the_header_only(acme: Path) -> None:
    configuration = (acme / PACKAGE / "AcmeAutoConfiguration.java").read_text()
    assert configuration.count(".csrfTokenRequestHandler(csrfRequests)") == 2, "both of the starter's chains"
    assert "new FormBodyCsrfTokenRequestHandler()" in configuration


def test_smoke_tests_are_named_s01_to_s22(acme: Path, keycloak: Path) -> None:
    for root, name in (
        (acme, "com/acme/example/AcmeSmokeTests"),
        (keycloak, "com/example/keycloak/example/KeycloakSmokeTests"),
    ):
        tests = (root / EXAMPLE / f"src/test/java/{name}.java").read_text()
        for number in range(1, 18):
            assert re.search(rf"@Test\s+void s{number:02d}[A-Z]", tests), f"no test for S{number} in {name}"
        # Keycloak's spec has refresh and logout only
        for number in range(18, 23) if root == acme else (18, 19):
            assert re.search(rf"@Test\s+void s{number}[A-Z]", tests), f"no test for S{number} in {name}"


def test_no_template_syntax_is_left(acme: Path) -> None:
    for path, data in snapshot(acme).items():
        if "/fake/" in path or path.endswith(".png"):  # the fake, and the README's picture, copied as they are
            continue
        text = data.decode("utf-8")
        assert "cookiecutter" not in text and "{%" not in text and "{{ " not in text, path


def test_pages_keep_their_thymeleaf_expressions(acme: Path) -> None:
    login = (acme / AUTOCONFIGURE / "resources/templates/acme/login.html").read_text()
    assert "th:replace=\"~{acme/layout :: page('Sign in', ~{::content})}\"" in login
    assert 'th:action="${links.login}"' in login and "${links.register}" in login


def test_java_packages_match_their_folders(acme: Path) -> None:
    for source in java_sources(acme / "spring"):
        package = re.search(r"^package ([\w.]+);", source.read_text(), re.MULTILINE)
        assert package, source
        assert source.parent.as_posix().endswith(package.group(1).replace(".", "/")), source


@pytest.mark.parametrize("fixture", ["acme", "awkward", "keycloak", "long_slug"])
def test_java_lines_fit_in_120_columns(fixture: str, request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(fixture)
    for source in java_sources(root / "spring"):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            if '"""' in line or (line.lstrip().startswith('"') and not line.rstrip().endswith(";")):
                continue  # test data in text blocks
            if "Identity" in line and not line.lstrip().startswith("*"):
                continue  # a string literal of the service's name is as long as the name
            assert len(line) <= 120, f"{source.name}:{number}: {line}"
            assert line == line.rstrip(), f"{source.name}:{number}: trailing whitespace"
            assert "\t" not in line, f"{source.name}:{number}: a tab"


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    assert snapshot(render(ACME, tmp_path / "a")) == snapshot(render(ACME, tmp_path / "b"))


# -- spec text in Java, XML, pages and the README ---------------------------------------------


def test_spec_text_reaches_java_exactly(awkward: Path) -> None:
    properties = (awkward / "spring/autoconfigure/src/main/java/com/z/auth/ZProperties.java").read_text()
    assert 'private String name = "Acme \\"Identity\\" */ </script> \\\\u000a ${x} {{ y }} ünï";' in properties
    user = (awkward / "spring/autoconfigure/src/main/java/com/z/auth/ZUser.java").read_text()
    assert 'Set.copyOf(List.of("it\'s </script> admin"))' in user
    assert 'GOLD_PLUS("gold-plus")' in user and '_1ST("1st")' in user and 'CLASS_VALUE("class")' in user
    assert "public List<String> getAuthoritiesField()" in user and "public boolean isEnabledField()" in user
    assert "public Boolean getStaff()" in user and "public long getLogins()" in user
    example = (awkward / "spring/example/src/main/java/org/z/example/HomeController.java").read_text()
    assert '@RolesAllowed("it\'s </script> admin")' in example


def test_spec_text_cannot_break_out_of_comments(awkward: Path) -> None:
    for source in java_sources(awkward / "spring"):
        text = source.read_text()
        code = re.sub(r'"""(?:\\.|[^\\])*?"""|"(?:\\.|[^"\\\n])*"', '""', text, flags=re.DOTALL)
        for comment in re.findall(r"/\*.*?\*/", code, re.DOTALL):
            assert comment.count("*/") == 1, f"{source.name}: a comment ends early: {comment[:80]!r}"
        for line in text.splitlines():
            assert not re.search(r"(?<!\\)(\\\\)*\\u+000[aAdD]", line), f"{source.name}: a line break escape: {line}"


def test_spec_text_is_escaped_in_xml_and_markdown(awkward: Path) -> None:
    pom = (awkward / "spring/pom.xml").read_text()
    assert "<name>Acme &#34;Identity&#34; */ &lt;/script&gt;" in pom
    readme = re.sub(r"```.*?```", "", (awkward / "spring/README.md").read_text(), flags=re.DOTALL)
    assert "</script>" not in readme and "&lt;/script&gt;" in readme, "raw HTML outside code blocks"


def test_pages_never_hold_spec_text(awkward: Path) -> None:
    for page in (awkward / "spring/autoconfigure/src/main/resources/templates/z").iterdir():
        assert "Identity" not in page.read_text(), page.name


@pytest.mark.skipif(MVN is None or not BOOT_IN_LOCAL_REPOSITORY, reason="needs mvn and Spring Boot 4.0.7 in ~/.m2")
def test_hostile_spec_compiles_without_warnings(awkward: Path) -> None:
    done = subprocess.run(
        [MVN, "-q", "-B", "-o", "-pl", "autoconfigure", "compile"],  # type: ignore[list-item]
        cwd=awkward / "spring",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    metadata = json.loads(
        (awkward / "spring/autoconfigure/target/classes/META-INF/spring-configuration-metadata.json").read_text()
    )
    names = {p["name"] for p in metadata["properties"]}
    assert {"z.base-url", "z.api-key", "z.application-id", "z.session-ttl", "z.branding.primary-color"} <= names
    assert {"z.login-limit.per-account", "z.login-limit.per-client", "z.login-limit.window"} <= names


# -- the README, the example app and the registry ------------------------------------------------


def test_readme_starts_with_the_five_minutes(acme: Path) -> None:
    readme = (acme / "spring/README.md").read_text()
    sections = re.findall(r"^## (.+)$", readme, re.MULTILINE)
    assert sections[0] == "Auth in 5 minutes"
    assert "<artifactId>acme-spring-boot-starter</artifactId>" in readme
    assert "Two properties" in readme
    assert "acme.api-key=${ACME_API_KEY}" in readme and "acme.application-id=${ACME_APP_ID}" in readme


def test_readme_install_and_first_run_lines(acme: Path) -> None:
    """What a newcomer follows: install the starter, then a new app whose pom, class and properties the README gives
    whole (followed in a fresh folder by hand: it built, started, and signed in against the fake)."""
    readme = (acme / "spring/README.md").read_text()
    assert "mvn -q -B install -DskipTests" in readme
    blocks = [block for _, block in re.findall(r"```(\w+)\n(.*?)```", readme, re.DOTALL)]
    pom = next(block for block in blocks if "<project" in block)
    assert "<artifactId>spring-boot-starter-parent</artifactId>" in pom and "<version>0.1.0</version>" in pom
    java = next(block for block in blocks if "package com.example" in block)
    assert "import com.acme.auth.AcmeUser;" in java and "@SpringBootApplication" in java
    assert "<maven.install.skip>true</maven.install.skip>" in (acme / EXAMPLE / "pom.xml").read_text()


def test_example_app_serves_home_and_admin(acme: Path) -> None:
    home = (acme / EXAMPLE / "src/main/java/com/acme/example/HomeController.java").read_text()
    assert '@GetMapping("/")' in home and '@GetMapping("/admin")' in home and '@RolesAllowed("admins")' in home
    pom = (acme / EXAMPLE / "pom.xml").read_text()
    assert "<finalName>example</finalName>" in pom and "<artifactId>acme-spring-boot-starter</artifactId>" in pom


def test_registry_entry_builds_and_serves_the_example_app() -> None:
    target = TARGETS["spring"]
    assert target.test_commands == ("mvn -q -B verify",)
    assert target.kit_serve.startswith("java -jar example/target/example.jar ") and "{port}" in target.kit_serve
    assert any("package" in command for command in target.kit_install)


def test_build_is_lint_clean_and_checks_it(acme: Path) -> None:
    parent = (acme / "spring/pom.xml").read_text()
    assert "<arg>-Xlint:all</arg>" in parent and "<arg>-Werror</arg>" in parent
    assert "<version>4.0.7</version>" in parent and "<java.version>17</java.version>" in parent
