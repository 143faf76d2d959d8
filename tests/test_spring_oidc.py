"""The Spring Boot target with an OpenID Connect spec: oauth2Login, no password code, the package's own tests.

The package's build (``mvn -q -B verify``) runs its smoke tests S23-S26 against the bundled fake provider; here only
the public client's, and only when mvn and Spring Boot's parent are in the local Maven repository (``nox -s spring``
builds and tests examples/keycloak-oidc).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator.render import generate

from .conftest import KEYCLOAK_OIDC, PUBLIC_OIDC
from .test_spring_target import BOOT_IN_LOCAL_REPOSITORY, MVN

PACKAGE = "spring/autoconfigure/src/main/java/com/keycloak/auth"
PUBLIC_PACKAGE = "spring/autoconfigure/src/main/java/com/exampleop/auth"


def render(spec: Path, out: Path) -> Path:
    generate(spec, out, ["spring"])
    return out


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(KEYCLOAK_OIDC, tmp_path_factory.mktemp("oidc"))


@pytest.fixture(scope="module")
def public_oidc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(PUBLIC_OIDC, tmp_path_factory.mktemp("public-oidc"))


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def test_oidc_layout_has_no_password_code(oidc: Path) -> None:
    """The provider signs users in: no password form, REST client, throttle or service session."""
    names = {path.name for path in (oidc / PACKAGE).iterdir()}
    for name in (
        "KeycloakAutoConfiguration.java",
        "KeycloakAuthorizationRequestResolver.java",
        "KeycloakOidcUserService.java",
        "KeycloakSessionKeeper.java",
        "KeycloakLogoutSuccessHandler.java",
        "KeycloakSignInFailureHandler.java",
        "KeycloakUser.java",
    ):
        assert name in names, name
    for name in (
        "KeycloakClient.java",
        "KeycloakAuthenticationProvider.java",
        "KeycloakLoginThrottle.java",
        "KeycloakServiceSession.java",
        "KeycloakUserRefreshFilter.java",
        "ServiceRequest.java",
        "ServiceTransport.java",
        "FormField.java",
    ):
        assert name not in names, name
    pages = {path.name for path in (oidc / "spring/autoconfigure/src/main/resources/templates/keycloak").iterdir()}
    assert pages == {"layout.html", "error.html", "forbidden.html"}
    tests = {path.name for path in (oidc / "spring/example/src/test/java/com/keycloak/example").iterdir()}
    assert tests == {"IdentityService.java", "KeycloakOidcSmokeTests.java"}
    controller = read(oidc, PACKAGE + "/KeycloakAuthController.java")
    assert set(re.findall(r'@(?:Get|Post)Mapping\(path = "([^"]+)"', controller)) == {"/me", "/csrf"}
    properties = read(oidc, PACKAGE + "/KeycloakProperties.java")
    for absent in ("LoginLimit", "retries"):
        assert absent not in properties, absent


def test_oidc_uses_spring_securitys_oauth2_login(oidc: Path) -> None:
    """No hand-written token checks: oauth2Login, PKCE, the refresh-token provider, RP-initiated logout."""
    config = read(oidc, PACKAGE + "/KeycloakAutoConfiguration.java")
    assert ".oauth2Login(" in config
    assert '.redirectionEndpoint((redirection) -> redirection.baseUri(prefix + "/callback"))' in config
    assert ".authorizationCode()\n            .refreshToken(" in config
    assert 'Map.of(\n                "prompt", "login")' in config
    resolver = read(oidc, PACKAGE + "/KeycloakAuthorizationRequestResolver.java")
    assert "OAuth2AuthorizationRequestCustomizers.withPkce()" in resolver
    logout = read(oidc, PACKAGE + "/KeycloakLogoutSuccessHandler.java")
    assert "OidcClientInitiatedLogoutSuccessHandler" in logout and '"{baseUrl}/"' in logout
    user = read(oidc, PACKAGE + "/KeycloakUser.java")
    assert "implements UserDetails, OidcUser" in user
    assert "fromRecord" not in user
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (oidc / PACKAGE).glob("*.java"))
    for hand_written in ("Signature", "JWSVerifier", "Base64", "jwks"):
        assert hand_written not in sources, hand_written
    pom = read(oidc, "spring/autoconfigure/pom.xml")
    assert "<artifactId>spring-boot-starter-oauth2-client</artifactId>" in pom


def test_every_call_spring_security_makes_to_the_provider_has_the_timeout(oidc: Path) -> None:
    """Its own clients have no read timeout: the code exchange, refreshes and userinfo get the integration's."""
    config = read(oidc, PACKAGE + "/KeycloakAutoConfiguration.java")
    assert ".tokenEndpoint((token) -> token.accessTokenResponseClient(ProviderHttp.codeExchange(timeout)))" in config
    assert "refresh.accessTokenResponseClient(ProviderHttp.refresh(properties.getTimeout()))" in config
    users = read(oidc, PACKAGE + "/KeycloakOidcUserService.java")
    assert "setOauth2UserService(ProviderHttp.userInfo(timeout))" in users
    logout = read(oidc, PACKAGE + "/KeycloakLogoutSuccessHandler.java")
    assert "requestFactory(ProviderHttp.requests(timeout))" in logout
    http = read(oidc, PACKAGE + "/ProviderHttp.java")
    assert "requests.setConnectTimeout(timeout);" in http and "requests.setReadTimeout(timeout);" in http


def test_oidc_registration_comes_from_the_three_settings(oidc: Path, public_oidc: Path) -> None:
    env = read(oidc, PACKAGE + "/KeycloakEnvironmentPostProcessor.java")
    registration = "spring.security.oauth2.client.registration.keycloak"
    assert '"spring.security.oauth2.client.provider.keycloak.issuer-uri", "${keycloak.issuer}"' in env
    assert f'"{registration}.client-id", "${{keycloak.client-id}}"' in env
    assert f'"{registration}.client-secret", "${{keycloak.client-secret}}"' in env
    assert f'"{registration}.scope", "openid,profile,email,roles"' in env
    assert f'"{registration}.redirect-uri", "{{baseUrl}}${{keycloak.route-prefix:/auth}}/callback"' in env
    public = read(public_oidc, PUBLIC_PACKAGE + "/ExampleopEnvironmentPostProcessor.java")
    assert "client-secret" not in public
    assert '"spring.security.oauth2.client.registration.exampleop.client-authentication-method", "none"' in public
    assert '"spring.security.oauth2.client.registration.exampleop.scope", "openid,profile,email"' in public
    config = read(public_oidc, PUBLIC_PACKAGE + "/ExampleopAutoConfiguration.java")
    assert "additionalParameters" not in config  # the spec has no extra parameters


def test_oidc_smoke_tests_cover_s23_to_s26(oidc: Path) -> None:
    text = read(oidc, "spring/example/src/test/java/com/keycloak/example/KeycloakOidcSmokeTests.java")
    assert {int(n) for n in re.findall(r"void s(\d\d)[A-Z]", text)} == {23, 24, 25, 26}
    for other in (
        "theSessionOutlivesTheAccessToken",
        "aUserTheProviderRefusesGetsAccessDenied",
        "aProviderThatIsDownIs503",
    ):
        assert other in text, other


def test_oidc_readme_five_minutes(oidc: Path, public_oidc: Path) -> None:
    readme = read(oidc, "spring/README.md")
    assert readme.index("## Auth in 5 minutes") < readme.index("## Settings")
    for text in ("KEYCLOAK_ISSUER", "KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET", "/auth/callback", "S23-S26"):
        assert text in readme, text
    assert "export KEYCLOAK_ISSUER=http://127.0.0.1:8900" in readme
    assert "export KEYCLOAK_CLIENT_ID=test-client-id" in readme
    assert "LOGIN_LIMIT" not in readme and "S1-S22" not in readme
    assert "a public\n   client: no secret, PKCE alone" in read(public_oidc, "spring/README.md")


@pytest.mark.skipif(MVN is None or not BOOT_IN_LOCAL_REPOSITORY, reason="needs mvn and Spring Boot 4.0.7 in ~/.m2")
def test_public_client_generated_tests_pass(public_oidc: Path) -> None:
    """The public client's build and smoke tests against the bundled fake provider (offline, from ~/.m2).

    Only this spec: ``nox -s spring`` builds and tests examples/keycloak-oidc already, and each build takes most of
    a minute here.
    """
    root = public_oidc / "spring"
    done = subprocess.run(
        [str(MVN), "-o", "-q", "-B", "verify"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_oidc_links_to_the_providers_pages_only_when_the_spec_names_them(oidc: Path, public_oidc: Path) -> None:
    public = read(public_oidc, PUBLIC_PACKAGE + "/ExampleopPages.java")
    assert 'links.put("register", this.properties.getIssuer()\n                + "/signup?client_id="' in public
    assert "URLEncoder.encode(this.properties.getClientId(), StandardCharsets.UTF_8)" in public
    assert 'links.put("reset", this.properties.getIssuer()\n                + "/password-reset");' in public
    error = read(public_oidc, "spring/autoconfigure/src/main/resources/templates/exampleop/error.html")
    assert '<a th:href="${links.register}">' in error and '<a th:href="${links.reset}">' in error
    keycloak = read(oidc, PACKAGE + "/KeycloakPages.java")
    assert '"register"' not in keycloak and "URLEncoder" not in keycloak
    assert "links.register" not in read(oidc, "spring/autoconfigure/src/main/resources/templates/keycloak/error.html")
