"""The fake as an OpenID provider (issue 17), driven by Authlib's OAuth 2 client.

Authlib builds the authorization request (state, nonce, PKCE S256) and
exchanges the code; the ID tokens are checked the way Authlib's framework
clients check them (joserfc against the JWKS, then Authlib's ``CodeIDToken``
claims: issuer, audience, expiry, nonce), so a well-kept library, not this
test, decides that the fake's tokens are right and its tampered ones wrong.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError as OAuth2Error
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from click.testing import CliRunner
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from generator.cli import main
from generator.fake import oidc as fake_oidc
from generator.fake.__main__ import main as fake_main
from generator.fake.server import FakeService, load_data, start
from generator.kit.provider import Browser, sign_in_through_provider
from generator.render import copy_fake
from generator.spec import load_spec
from generator.validate.oidc import FLOW_PARAMS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "keycloak-oidc" / "identity.toml"
PUBLIC = ROOT / "tests" / "specs" / "oidc.toml"
ACME = ROOT / "examples" / "acme" / "identity.toml"

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
REDIRECT_URI = "http://127.0.0.1:9/auth/callback"  # never contacted: the test reads the redirect itself
SCOPE = "openid profile email roles"
PASSWORDS = {"admin": "admin-pass-1", "user": "user pass+2&:%", "disabled": "disabled-pass-3"}
#: what Authlib's framework clients allow for clock skew when they check an ID token.
LEEWAY = 120


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeService]:
    with start(load_data(EXAMPLE)) as service:
        yield service


@pytest.fixture(autouse=True)
def fresh(request: pytest.FixtureRequest) -> None:
    if "fake" in request.fixturenames:
        requests.post(request.getfixturevalue("fake").url + "/__fake__/reset", timeout=5).raise_for_status()


@dataclass
class SignIn:
    """One authorization-code flow: the client, what it sent, and what came back."""

    client: OAuth2Session
    browser: requests.Session
    verifier: str
    nonce: str
    state: str
    #: the authorization request Authlib built
    url: str = ""
    location: str = ""

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.location).query).items()}


class _Form(HTMLParser):
    """The first form of a page: its action and fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attr.get("action") or ""
        elif tag == "input" and attr.get("name"):
            self.fields[attr["name"] or ""] = attr.get("value") or ""


def metadata(fake: FakeService) -> dict:
    return requests.get(fake.url + "/.well-known/openid-configuration", timeout=5).json()


def client(fake: FakeService, **options: object) -> OAuth2Session:
    options = {"client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT_URI, **options}
    return OAuth2Session(CLIENT_ID, scope=SCOPE, code_challenge_method="S256", **options)


def start_flow(fake: FakeService, *, prompt: str | None = None, **options: object) -> tuple[SignIn, requests.Response]:
    """Authlib's authorization URL, opened in a browser session: the provider's answer."""
    oauth = client(fake, **options)
    verifier, nonce = generate_token(48), generate_token(20)
    extra = {"prompt": prompt} if prompt else {}
    url, state = oauth.create_authorization_url(
        metadata(fake)["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra
    )
    browser = requests.Session()
    page = browser.get(url, allow_redirects=False, timeout=5)
    return SignIn(oauth, browser, verifier, nonce, state, url), page


def post_form(
    fake: FakeService, flow: SignIn, page: requests.Response, username: str, password: str
) -> requests.Response:
    form = _Form()
    form.feed(page.text)
    assert form.action == "/authorize"
    fields = {**form.fields, "username": username, "password": password}
    return flow.browser.post(fake.url + form.action, data=fields, allow_redirects=False, timeout=5)


def sign_in(fake: FakeService, key: str = "admin", **options: object) -> SignIn:
    flow, page = start_flow(fake, **options)
    assert page.status_code == 200
    answer = post_form(fake, flow, page, key, PASSWORDS[key])
    assert answer.status_code == 302, answer.text
    flow.location = answer.headers["Location"]
    return flow


def exchange(fake: FakeService, flow: SignIn, verifier: str | None = None) -> dict:
    return dict(
        flow.client.fetch_token(
            metadata(fake)["token_endpoint"],
            authorization_response=flow.location,
            state=flow.state,
            code_verifier=verifier or flow.verifier,
        )
    )


def verify_id_token(fake: FakeService, id_token: str, nonce: str, access_token: str | None = None) -> dict:
    """What Authlib's framework clients do with an ID token (``parse_id_token``): signature, then claims."""
    meta = metadata(fake)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=5).json())
    token = jwt.decode(
        id_token,
        key=keys,
        registry=JWSRegistry(algorithms=meta["id_token_signing_alg_values_supported"], strict_check_header=False),
    )
    params = {"nonce": nonce, "client_id": CLIENT_ID, **({"access_token": access_token} if access_token else {})}
    # Authlib's framework clients pass only "iss" here and leave the audience to "azp"; naming the
    # audience too is stricter (OpenID Connect Core 3.1.3.7: aud must contain the client id).
    options = {"iss": {"values": [meta["issuer"]]}, "aud": {"essential": True, "values": [CLIENT_ID]}}
    claims = CodeIDToken(token.claims, token.header, options, params)
    claims.validate(leeway=LEEWAY)
    return dict(claims)


def control(fake: FakeService, path: str, body: dict | None = None) -> dict:
    method = "GET" if body is None else "POST"
    response = requests.request(method, fake.url + "/__fake__/" + path, json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def userinfo(fake: FakeService, access_token: str) -> requests.Response:
    return requests.get(
        metadata(fake)["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}, timeout=5
    )


def token_request(fake: FakeService, **form: str) -> requests.Response:
    return requests.post(metadata(fake)["token_endpoint"], data=form, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5)


# -- discovery and the code flow ----------------------------------------------------------


def test_discovery_names_every_endpoint_at_the_issuer(fake: FakeService) -> None:
    meta = metadata(fake)
    assert meta["issuer"] == fake.url
    for key, path in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/logout"),
    ]:
        assert meta[key] == fake.url + path
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]
    (key,) = requests.get(meta["jwks_uri"], timeout=5).json()["keys"]
    assert (key["kty"], key["alg"], key["kid"]) == ("RSA", "RS256", "fake-oidc-1")


def test_a_code_flow_with_pkce_signs_in_and_authlib_accepts_the_id_token(fake: FakeService) -> None:
    flow = sign_in(fake, "admin")
    sent = {k: v[0] for k, v in parse_qs(urlsplit(flow.url).query).items()}
    assert (sent["code_challenge_method"], sent["nonce"], sent["state"]) == ("S256", flow.nonce, flow.state)
    assert flow.location.startswith(REDIRECT_URI + "?") and flow.query["state"] == flow.state
    token = exchange(fake, flow)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 300 and token["scope"] == SCOPE
    assert token["refresh_token"] and token["access_token"]
    claims = verify_id_token(fake, token["id_token"], flow.nonce, token["access_token"])
    admin = control(fake, "users")["admin"]
    assert claims["sub"] == admin["expected"]["id"] == "usr-0001"
    assert claims["aud"] == CLIENT_ID and claims["iss"] == fake.url and claims["nonce"] == flow.nonce
    assert claims["preferred_username"] == "admin" and "admin" in claims["realm_access"]["roles"]
    info = userinfo(fake, token["access_token"])
    assert info.status_code == 200 and info.json() == admin["record"]
    calls = control(fake, "calls")
    assert (calls["authorize"], calls["token"], calls["userinfo"]) == (2, 1, 1)  # the form, then its answer
    assert control(fake, "oidc/sessions") == {"sessions": 1}


def test_a_public_client_proves_itself_with_pkce_alone() -> None:
    with start(load_data(PUBLIC)) as public:
        assert metadata(public)["token_endpoint_auth_methods_supported"] == ["none"]
        flow = sign_in(public, "user", client_secret=None, token_endpoint_auth_method="none")
        token = exchange(public, flow)
        claims = verify_id_token(public, token["id_token"], flow.nonce, token["access_token"])
        assert claims["preferred_username"] == "user"
        # PKCE is what holds it: a wrong verifier is refused for a public client too
        flow = sign_in(public, "user", client_secret=None, token_endpoint_auth_method="none")
        with pytest.raises(OAuth2Error, match="invalid_grant"):
            exchange(public, flow, verifier=generate_token(48))


def test_client_secret_post_works_and_a_wrong_secret_is_refused(fake: FakeService) -> None:
    flow = sign_in(fake, token_endpoint_auth_method="client_secret_post")
    assert "id_token" in exchange(fake, flow)
    flow = sign_in(fake, client_secret="wrong-secret")
    with pytest.raises(OAuth2Error, match="invalid_client"):
        exchange(fake, flow)


# -- what the provider refuses ---------------------------------------------------------------


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(fake: FakeService) -> None:
    flow = sign_in(fake)
    token = exchange(fake, flow)
    with pytest.raises(OAuth2Error, match="invalid_grant"):
        exchange(fake, flow)
    assert userinfo(fake, token["access_token"]).status_code == 401
    refreshed = token_request(fake, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"


def test_a_wrong_code_verifier_is_refused(fake: FakeService) -> None:
    flow = sign_in(fake)
    with pytest.raises(OAuth2Error, match="invalid_grant"):
        exchange(fake, flow, verifier=generate_token(48))


def test_a_redirect_uri_other_than_authorizes_is_refused(fake: FakeService) -> None:
    flow = sign_in(fake)
    code = flow.query["code"]
    answer = token_request(
        fake, grant_type="authorization_code", code=code, code_verifier=flow.verifier, redirect_uri=REDIRECT_URI + "x"
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "change, says",
    [
        ({"client_id": "someone-else"}, "unknown client_id"),
        ({"code_challenge": None, "code_challenge_method": None}, "PKCE is required"),
        ({"code_challenge_method": "plain"}, "PKCE is required"),
        ({"scope": "profile"}, "scope must include &quot;openid&quot;"),
    ],
)
def test_a_wrong_authorization_request_gets_a_400_page_never_a_redirect(
    fake: FakeService, change: dict, says: str
) -> None:
    oauth = client(fake)
    url, _ = oauth.create_authorization_url(
        metadata(fake)["authorization_endpoint"], code_verifier=generate_token(48), nonce="n"
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    query = {k: v for k, v in {**query, **change}.items() if v is not None}
    page = requests.get(fake.url + "/authorize", params=query, allow_redirects=False, timeout=5)
    assert page.status_code == 400 and "Location" not in page.headers
    assert says in page.text and page.headers["Content-Type"].startswith("text/html")


def test_a_wrong_password_shows_the_form_again(fake: FakeService) -> None:
    flow, page = start_flow(fake)
    again = post_form(fake, flow, page, "admin", "not-the-password")
    assert again.status_code == 200 and "Invalid username or password." in again.text
    assert '<form method="post" action="/authorize">' in again.text and f'value="{flow.state}"' in again.text
    assert control(fake, "oidc/sessions") == {"sessions": 0}


def test_a_disabled_user_is_sent_back_with_access_denied(fake: FakeService) -> None:
    flow, page = start_flow(fake)
    answer = post_form(fake, flow, page, "disabled", PASSWORDS["disabled"])
    assert answer.status_code == 302
    flow.location = answer.headers["Location"]
    assert flow.query == {"error": "access_denied", "state": flow.state}
    assert control(fake, "oidc/sessions") == {"sessions": 0}  # and no provider session either


# -- the provider session ------------------------------------------------------------------


def test_a_provider_session_signs_in_at_once_unless_prompt_login(fake: FakeService) -> None:
    flow = sign_in(fake)
    again = requests.get(
        client(fake).create_authorization_url(
            metadata(fake)["authorization_endpoint"], code_verifier=generate_token(48), nonce="n2", state="s2"
        )[0],
        cookies=flow.browser.cookies,
        allow_redirects=False,
        timeout=5,
    )
    assert again.status_code == 302 and "code=" in again.headers["Location"] and "state=s2" in again.headers["Location"]
    asked, page = start_flow(fake, prompt="login")
    asked.browser.cookies.update(flow.browser.cookies)
    page = asked.browser.get(page.url, allow_redirects=False, timeout=5)
    assert page.status_code == 200 and 'name="password"' in page.text


# -- refresh, userinfo and expiry ------------------------------------------------------------


def test_refresh_rotates_the_refresh_token_and_gives_a_valid_id_token(fake: FakeService) -> None:
    flow = sign_in(fake, "user")
    first = exchange(fake, flow)
    second = dict(flow.client.refresh_token(metadata(fake)["token_endpoint"], refresh_token=first["refresh_token"]))
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    claims = verify_id_token(fake, second["id_token"], flow.nonce, second["access_token"])
    assert claims["preferred_username"] == "user"
    used = token_request(fake, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert used.status_code == 400 and used.json()["error"] == "invalid_grant"
    assert userinfo(fake, second["access_token"]).status_code == 200
    issued = [item["value"] for item in control(fake, "calls")["issued"]]
    assert first["refresh_token"] not in issued and second["refresh_token"] in issued


def test_refresh_is_refused_for_a_user_disabled_since(fake: FakeService) -> None:
    token = exchange(fake, flow := sign_in(fake, "user"))
    assert flow
    control(fake, "users/user/disable", {})
    answer = token_request(fake, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert userinfo(fake, token["access_token"]).status_code == 401


def test_userinfo_refuses_unknown_and_expired_tokens_with_www_authenticate(fake: FakeService) -> None:
    unknown = userinfo(fake, "not-a-token")
    assert unknown.status_code == 401 and unknown.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    token = exchange(fake, sign_in(fake))
    assert control(fake, "oidc/expire", {}) == {"expired": 1}
    expired = userinfo(fake, token["access_token"])
    assert expired.status_code == 401 and "expired" in expired.headers["WWW-Authenticate"]
    renewed = token_request(fake, grant_type="refresh_token", refresh_token=token["refresh_token"]).json()
    assert userinfo(fake, renewed["access_token"]).status_code == 200


def test_the_access_token_lifetime_can_be_shortened(fake: FakeService) -> None:
    control(fake, "oidc/lifetime", {"access_token_s": 1})
    token = exchange(fake, sign_in(fake))
    assert token["expires_in"] == 1
    time.sleep(1.1)
    assert userinfo(fake, token["access_token"]).status_code == 401


def test_the_common_controls_apply_to_the_providers_tokens(fake: FakeService) -> None:
    control(fake, "tokens", {"ttl": 7})
    token = exchange(fake, sign_in(fake, "user"))
    assert token["expires_in"] == 7
    issued = {(item["name"], item["value"]) for item in control(fake, "calls")["issued"]}
    assert issued == {
        ("access_token", token["access_token"]),
        ("refresh_token", token["refresh_token"]),
        ("id_token", token["id_token"]),
    }
    assert control(fake, "users/user/expire", {}) == {"expired": 1}
    assert userinfo(fake, token["access_token"]).status_code == 401
    assert control(fake, "sessions")["user"] == 1


# -- tampered ID tokens: Authlib refuses each --------------------------------------------------


#: What Authlib says of each tampered ID token.
REFUSALS = {
    "issuer": (InvalidClaimError, "'iss'"),
    "audience": (InvalidClaimError, "'aud'"),
    "signature": (BadSignatureError, None),
    "expired": (ExpiredTokenError, None),
    "nonce": (InvalidClaimError, "'nonce'"),
}


def test_every_tamper_is_tested() -> None:
    assert tuple(REFUSALS) == fake_oidc.TAMPERS


@pytest.mark.parametrize("how", fake_oidc.TAMPERS)
def test_authlib_refuses_each_tampered_id_token_and_the_next_is_fine(fake: FakeService, how: str) -> None:
    control(fake, "oidc/tamper", {"next_id_token": how})
    flow = sign_in(fake)
    token = exchange(fake, flow)
    error, says = REFUSALS[how]
    with pytest.raises(error, match=says):
        verify_id_token(fake, token["id_token"], flow.nonce, token["access_token"])
    flow = sign_in(fake)  # once only
    token = exchange(fake, flow)
    assert verify_id_token(fake, token["id_token"], flow.nonce, token["access_token"])["sub"] == "usr-0001"


def test_an_unknown_tamper_is_refused(fake: FakeService) -> None:
    answer = requests.post(fake.url + "/__fake__/oidc/tamper", json={"next_id_token": "kid"}, timeout=5)
    assert answer.status_code == 400 and "issuer, audience, signature, expired, nonce" in answer.json()["error"]


# -- logout ------------------------------------------------------------------------------


def test_rp_initiated_logout_ends_the_provider_session_and_its_tokens(fake: FakeService) -> None:
    flow = sign_in(fake)
    token = exchange(fake, flow)
    assert control(fake, "oidc/sessions") == {"sessions": 1}
    back = "http://127.0.0.1:9/signed-out"
    answer = flow.browser.get(
        metadata(fake)["end_session_endpoint"],
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": back, "state": "bye"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302 and answer.headers["Location"] == back + "?state=bye"
    assert control(fake, "oidc/sessions") == {"sessions": 0}
    assert control(fake, "sessions")["admin"] == 0
    assert control(fake, "calls")["logout"] == 1
    refreshed = token_request(fake, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    assert userinfo(fake, token["access_token"]).status_code == 401
    _, page = start_flow(fake)
    page = flow.browser.get(page.url, allow_redirects=False, timeout=5)
    assert page.status_code == 200 and 'name="password"' in page.text  # signed out at the provider too


def test_logout_refuses_a_hint_it_did_not_issue(fake: FakeService) -> None:
    answer = requests.get(
        metadata(fake)["end_session_endpoint"],
        params={"id_token_hint": "a.b.c", "post_logout_redirect_uri": "http://127.0.0.1:9/"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 400 and "Location" not in answer.headers


# -- faults, reset, packaging ---------------------------------------------------------------


def test_a_fault_makes_the_token_endpoint_unavailable(fake: FakeService) -> None:
    control(fake, "faults", {"operation": "token", "status": 503, "times": 1})
    flow = sign_in(fake)
    with pytest.raises(requests.HTTPError, match="503"):
        exchange(fake, flow)
    assert requests.get(metadata(fake)["jwks_uri"], timeout=5).status_code == 200
    bad = requests.post(fake.url + "/__fake__/faults", json={"operation": "login", "status": 503}, timeout=5)
    assert bad.status_code == 400 and "authorize" in bad.json()["error"]


def test_reset_forgets_sessions_codes_and_tamper(fake: FakeService) -> None:
    flow = sign_in(fake)
    control(fake, "oidc/tamper", {"next_id_token": "signature"})
    control(fake, "reset", {})
    assert control(fake, "oidc/sessions") == {"sessions": 0}
    with pytest.raises(OAuth2Error, match="invalid_grant"):
        exchange(fake, flow)
    flow = sign_in(fake)
    token = exchange(fake, flow)
    assert verify_id_token(fake, token["id_token"], flow.nonce, token["access_token"])


def test_without_cryptography_the_fake_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in sys.modules if n == "cryptography" or n.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    assert fake_main([str(EXAMPLE), "--port", "0"]) == 2
    assert capsys.readouterr().err == "fake: the OIDC fake needs the cryptography package: pip install cryptography\n"


def test_only_an_oidc_package_gets_the_provider(tmp_path: Path) -> None:
    copy_fake(load_spec(EXAMPLE), tmp_path / "oidc")
    copy_fake(load_spec(ACME), tmp_path / "acme")
    assert (tmp_path / "oidc" / "oidc.py").is_file()
    assert not (tmp_path / "acme" / "oidc.py").exists() and (tmp_path / "acme" / "server.py").is_file()


def test_authgen_fake_prints_the_issuer_to_paste() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "fake", "--port", "0", str(EXAMPLE)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(7)] if process.stdout else []
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    url = lines[0].removeprefix("fake listening on ")
    export = next(line.strip() for line in lines if line.lstrip().startswith("export "))
    assert dict(item.split("=", 1) for item in export.removeprefix("export ").split()) == {
        "KEYCLOAK_ISSUER": url,
        "KEYCLOAK_CLIENT_ID": CLIENT_ID,
        "KEYCLOAK_CLIENT_SECRET": CLIENT_SECRET,
    }


def test_authgen_fake_without_cryptography_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "cryptography" or n.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    result = CliRunner().invoke(main, ["fake", "--port", "0", str(EXAMPLE)])
    assert result.exit_code == 1
    assert result.output == "Error: the OIDC fake needs the cryptography package: pip install cryptography\n"


# -- the kit's browser on the fake's form ----------------------------------------------------


class _App(BaseHTTPRequestHandler):
    """A tiny relying party: /login sends the browser to the provider, /callback trades the code with Authlib."""

    fake: FakeService
    flows: dict[str, SignIn]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        redirect = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        if self.path == "/login":
            oauth = client(self.fake, redirect_uri=redirect)
            verifier, nonce = generate_token(48), generate_token(20)
            url, state = oauth.create_authorization_url(
                metadata(self.fake)["authorization_endpoint"], code_verifier=verifier, nonce=nonce
            )
            self.flows[state] = SignIn(oauth, requests.Session(), verifier, nonce, state, url)
            self._answer(302, "", ("Location", url))
            return
        flow = self.flows.pop(parse_qs(urlsplit(self.path).query)["state"][0])
        flow.location = redirect + self.path.removeprefix("/callback")
        token = exchange(self.fake, flow)
        claims = verify_id_token(self.fake, token["id_token"], flow.nonce, token["access_token"])
        self._answer(200, f"signed in as {claims['preferred_username']}")

    def _answer(self, status: int, text: str, *headers: tuple[str, str]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(text.encode())))
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_kits_browser_signs_in_on_the_fakes_form(fake: FakeService) -> None:
    handler = type("App", (_App,), {"fake": fake, "flows": {}})
    app = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        login = f"http://127.0.0.1:{app.server_address[1]}/login"
        trip = sign_in_through_provider(Browser(), login, "staff", "staff-pass-4")
        assert trip.last.status_code == 200 and trip.last.text == "signed in as staff"
        assert trip.first_to(fake.url) is not None
        wrong = sign_in_through_provider(Browser(), login, "staff", "not-it")
        assert wrong.last.url.startswith(fake.url) and "Invalid username or password." in wrong.last.text
    finally:
        app.shutdown()
        app.server_close()


def test_the_login_form_carries_back_every_parameter_the_flow_sets_and_prompt() -> None:
    """The fake, copied into packages without the generator, keeps its own list of the validator's FLOW_PARAMS."""
    assert fake_oidc._REQUEST_PARAMS == (*FLOW_PARAMS, "prompt")
