"""The pages as a person uses them: keyboard, screen reader, phone, brand, and no JavaScript.

Every target must pass the same tests, so the same things hold on every
target: the first field has the focus, the labels are the ones the spec's
inputs give, a form's error sits above it in one ``role="alert"`` element the
form names with ``aria-describedby``, and axe-core finds nothing serious.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from generator.browser.conftest import DESKTOP, PHONE
from generator.browser.run import BRAND
from generator.kit.client import FixtureUser
from generator.kit.conftest import KitOptions
from generator.model import Spec
from generator.plan.forms import form_inputs, login_inputs

#: The pages with a form: the route, the spec operation it needs, its heading and its button.
FORM_PAGES = {
    "login": ("login", "Sign in", "Sign in"),
    "register": ("register", "Create an account", "Create account"),
    "forgot": ("forgot_password", "Reset your password", "Send reset link"),
}
#: axe-core impacts that fail a page.
FAILING_IMPACTS = {"serious", "critical"}
#: Where the signed-in admin is sent, through ``next``: a page only the admin may see, with a query.
NEXT = "/admin?from=browser"


def _url(kit: KitOptions, name: str, base: str | None = None) -> str:
    return f"{base or kit.app_url}{kit.prefix}/{name}"


def _inputs(spec: Spec, page: str) -> list[dict[str, str]]:
    """The visible fields the spec gives a page, in order."""
    return login_inputs(spec) if page == "login" else form_inputs(spec, FORM_PAGES[page][0])


def _form_pages(spec: Spec) -> list[str]:
    return [name for name, (operation, _h, _b) in FORM_PAGES.items() if name == "login" or spec.has(operation)]


def _focused(page: Page) -> dict[str, str | None]:
    """What has the keyboard focus: its tag, name, and whether it is inside the page's form."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), id: el.id,
                    inForm: !!el.closest('form[method="post"]'), text: el.textContent.trim()};
        }"""
    )


def _tab_to(page: Page, name: str, *, most: int) -> int:
    """Press Tab until the field ``name`` has the focus; return how many presses it took."""
    for presses in range(most + 1):
        if _focused(page)["name"] == name:
            return presses
        page.keyboard.press("Tab")
    pytest.fail(f"{most} presses of Tab did not reach the field {name!r}; the focus is on {_focused(page)}")


def _sign_in_by_keyboard(page: Page, user: FixtureUser) -> int:
    """Type the user's credentials with the keyboard only, from where the page put the focus, and press Enter.

    :return: the status of the page the browser ends on.
    """
    assert _tab_to(page, "username", most=3) == 0, "the first field has the focus when the page opens"
    page.keyboard.type(user.username)
    assert _tab_to(page, "password", most=1) == 1, "Tab goes from the first field to the password"
    page.keyboard.type(user.password)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value.status if navigation.value else 0


def _sign_out_by_keyboard(page: Page, kit: KitOptions) -> None:
    """Tab to the page's own "Sign out" button and press Enter: the browser ends on the login page, signed out."""
    for _ in range(20):
        page.keyboard.press("Tab")
        if _focused(page)["tag"] == "button" and _focused(page)["text"] == "Sign out":
            break
    else:
        pytest.fail("no 'Sign out' button could be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"{kit.prefix}/login", f"signing out ends on the login page, not {page.url}"
    assert page.request.get(_url(kit, "me"), headers={"Accept": "application/json"}).status == 401


def _form_error(page: Page) -> dict[str, object]:
    """The form's error as assistive technology finds it: the element the form's aria-describedby names."""
    return page.evaluate(
        """() => {
            const form = document.querySelector('form[method="post"]');
            const ids = (form && form.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
            const named = ids.map((id) => document.getElementById(id)).filter(Boolean);
            const alert = named.find((el) => el.getAttribute('role') === 'alert' || el.hasAttribute('aria-live'));
            const heading = document.querySelector('h1');
            const follows = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
            return {
                describedby: ids,
                text: alert ? alert.textContent.trim() : null,
                visible: alert ? alert.getClientRects().length > 0 : false,
                aboveForm: alert ? follows(heading, alert) && follows(alert, form) && !form.contains(alert) : false,
            };
        }"""
    )


# -- signing in and out with the keyboard -----------------------------------------


def test_keyboard_sign_in_lands_on_next_and_signs_out(page: Page, kit: KitOptions, admin_user: FixtureUser) -> None:
    page.goto(_url(kit, "login") + "?next=" + quote(NEXT, safe="/"))
    assert _sign_in_by_keyboard(page, admin_user) == 200, "the admin page is shown"
    landed = urlsplit(page.url)
    assert (landed.path, landed.query) == ("/admin", "from=browser"), f"signed in, the browser is at {page.url}"
    _sign_out_by_keyboard(page, kit)


def test_wrong_password_is_announced_above_the_form(page: Page, kit: KitOptions, plain_user: FixtureUser) -> None:
    page.goto(_url(kit, "login"))
    assert _form_error(page)["text"] in (None, ""), "no error before anything was sent"
    wrong = FixtureUser(plain_user.key, plain_user.username, plain_user.password + "-wrong", {}, {})
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        _sign_in_by_keyboard(page, wrong)
    assert answer.value.status == 401
    error = _form_error(page)
    assert error["text"], (
        "the error is in an element with role=alert (or aria-live) that the form names with aria-describedby; "
        f"the form describes itself with {error['describedby']}"
    )
    assert error["visible"] and error["aboveForm"], "the error is shown between the heading and the form"
    focused = _focused(page)
    assert focused["inForm"] or focused["id"] in error["describedby"], f"the focus is kept on the form: {focused}"
    assert focused["name"] == "username", "the focus is back on the first field, with the username kept"
    assert page.input_value("input[name=username]") == plain_user.username
    assert page.input_value("input[name=password]") == "", "a password is never sent back"


# -- the same page on every target -------------------------------------------------


@pytest.mark.parametrize("name", list(FORM_PAGES))
def test_page_has_the_shared_labels_focus_and_error_place(page: Page, kit: KitOptions, spec: Spec, name: str) -> None:
    if name not in _form_pages(spec):
        pytest.skip(f"the spec has no [operations.{FORM_PAGES[name][0]}]")
    _operation, heading, button = FORM_PAGES[name]
    page.goto(_url(kit, name))
    assert page.locator("h1").inner_text().strip() == heading
    fields = page.evaluate(
        """() => [...document.querySelectorAll('form[method="post"] input:not([type=hidden])')].map((el) => ({
            name: el.name,
            type: el.type,
            autocomplete: el.getAttribute('autocomplete'),
            labels: [...el.labels].map((l) => l.textContent.trim()),
        }))"""
    )
    expected = [
        {"name": f.name, "type": f.html_type, "autocomplete": f.autocomplete, "labels": [f.label]}
        for f in _inputs(spec, name)
    ]
    assert fields == expected, "each field has exactly one label, the one the spec's input gives"
    assert _focused(page)["name"] == expected[0]["name"], "the first field has the focus when the page opens"
    assert page.locator("form[method=post] button[type=submit]").inner_text().strip() == button
    error = page.evaluate(
        """() => {
            const form = document.querySelector('form[method="post"]');
            const id = form.getAttribute('aria-describedby');
            const el = id && document.getElementById(id);
            return el ? el.getAttribute('role') : null;
        }"""
    )
    assert error == "alert", "the form names its (empty) role=alert error element with aria-describedby"


# -- accessibility -------------------------------------------------------------------


def _axe(page: Page, axe_script: str) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA, best practices)."""
    page.add_script_tag(content=axe_script)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


@pytest.mark.parametrize("name", ["login", "login-error", "register", "register-error", "forgot", "forgot-sent"])
def test_axe_finds_no_serious_problem(
    page: Page, kit: KitOptions, spec: Spec, axe_script: str, plain_user: FixtureUser, name: str
) -> None:
    base = name.split("-")[0]
    if base not in _form_pages(spec):
        pytest.skip(f"the spec has no [operations.{FORM_PAGES[base][0]}]")
    page.goto(_url(kit, base))
    if name == "login-error":
        page.fill("input[name=username]", plain_user.username)
        page.fill("input[name=password]", "not-the-password")
    elif name == "forgot-sent":
        for field in _inputs(spec, base):
            page.fill(f"input[name={field.name}]", plain_user.fields.get(field.name) or "someone@example.com")
    # register-error sends the form empty, past the browser's own checks: the server's errors show.
    if name != base:
        page.evaluate("() => { document.querySelector('form[method=\"post\"]').noValidate = true; }")
        with page.expect_navigation():
            page.locator("form[method=post] button[type=submit]").click()
    violations = _axe(page, axe_script)
    assert violations == [], json.dumps(violations, indent=2)


#: The session-lifecycle pages (docs/http-contract.md, "Session lifecycle"): the operation each needs.
LIFECYCLE_PAGES = {"reset": "reset_password", "verify": "verify_email", "password": "change_password"}
#: A token the emailed links could carry: the pages show their form before the service judges it.
LINK_TOKEN = "browser-test-token"


def _field_errors(page: Page) -> list[dict[str, str]]:
    """The fields marked invalid whose aria-describedby names a visible error text."""
    return page.evaluate(
        """() => [...document.querySelectorAll('form[method="post"] input[aria-invalid="true"]')].flatMap((el) =>
            (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                .map((id) => document.getElementById(id))
                .filter((note) => note && note.getClientRects().length > 0 && note.textContent.trim())
                .map((note) => ({field: el.name, text: note.textContent.trim()})))"""
    )


def _lifecycle_url(kit: KitOptions, spec: Spec, name: str) -> str:
    """The page's address: a token link for reset and verify (under the spec's query parameter), else the route."""
    operation = spec.operations[LIFECYCLE_PAGES[name]]
    if name == "password":
        return _url(kit, name)
    return f"{_url(kit, name)}?{operation.token_query}={LINK_TOKEN}"


@pytest.mark.parametrize("name", ["reset", "reset-error", "verify", "password", "password-error"])
def test_axe_finds_no_serious_problem_on_the_lifecycle_pages(
    page: Page, kit: KitOptions, spec: Spec, axe_script: str, plain_user: FixtureUser, name: str
) -> None:
    """The reset, verify and change-password pages, and the two password forms refusing two different passwords."""
    base = name.split("-")[0]
    if not spec.has(LIFECYCLE_PAGES[base]):
        pytest.skip(f"the spec has no [operations.{LIFECYCLE_PAGES[base]}]")
    if base == "password":
        page.goto(_url(kit, "login"))
        assert _sign_in_by_keyboard(page, plain_user) == 200
    page.goto(_lifecycle_url(kit, spec, base))
    assert page.locator("form[method=post] button[type=submit]").count() == 1, "the page is a form with one button"
    if name != base:
        # Every password field a different value: the new password and its repetition differ, so the
        # page refuses the form itself (400 invalid_input) without asking the service.
        passwords = page.locator("form[method=post] input[type=password]")
        for index in range(passwords.count()):
            passwords.nth(index).fill(plain_user.password if index == 0 and base == "password" else f"Browser-{index}x")
        with page.expect_navigation() as navigation:
            page.locator("form[method=post] button[type=submit]").click()
        assert navigation.value is not None and navigation.value.status == 400
        error = _form_error(page)
        field_errors = _field_errors(page)
        assert (error["text"] and error["visible"]) or field_errors, (
            f"the refusal is announced in the form's alert ({error}) or on the fields it concerns"
        )
    violations = _axe(page, axe_script)
    assert violations == [], json.dumps(violations, indent=2)


# -- looks: widths and brand -------------------------------------------------------


def _looks(page: Page) -> dict[str, object]:
    return page.evaluate(
        """() => {
            const img = document.querySelector('main img');
            const button = document.querySelector('form[method="post"] button[type=submit]');
            return {
                brandText: document.querySelector('.brand').textContent.trim(),
                logo: img ? {src: img.getAttribute('src'), alt: img.getAttribute('alt')} : null,
                button: getComputedStyle(button).backgroundColor,
                scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
                formWidth: button.getBoundingClientRect().width,
            };
        }"""
    )


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_brand_settings_change_what_is_drawn(
    context: BrowserContext, kit: KitOptions, spec: Spec, branded_app_url: str, shots: Path, viewport: dict[str, int]
) -> None:
    page = context.new_page()
    page.set_viewport_size(viewport)
    pictures = {}
    looks = {}
    for which, base in (("default", kit.app_url), ("branded", branded_app_url)):
        page.goto(_url(kit, "login", base))
        looks[which] = _looks(page)
        path = shots / f"login-{which}-{viewport['width']}.png"
        pictures[which] = page.screenshot(path=path, full_page=True)
    default, branded = looks["default"], looks["branded"]
    for which, seen in looks.items():
        assert not seen["scrolls"], f"the {which} login page scrolls sideways at {viewport['width']} px"
        assert seen["formWidth"] <= viewport["width"] - 32, "the form fits in the window with a margin"
    assert default["brandText"] == spec.service.name and default["logo"] is None
    assert branded["logo"] == {"src": BRAND["logo_url"], "alt": BRAND["name"]}, "the logo, named by the brand"
    assert branded["button"] == _rgb(BRAND["primary_color"]), "the button takes the primary colour"
    assert default["button"] != branded["button"]
    assert pictures["default"] != pictures["branded"], "the two brands draw different pages"
    print(f"screenshots in {shots}")


def test_readme_screenshot(page: Page, kit: KitOptions, pytestconfig: pytest.Config) -> None:
    """Write the README's picture of the login page, when asked (``nox -s screenshots``)."""
    picture = pytestconfig.getoption("readme_screenshot")
    if not picture:
        pytest.skip("no --readme-screenshot asked for")
    page.set_viewport_size({"width": 560, "height": 560})
    page.goto(_url(kit, "login"))
    page.screenshot(path=picture)
    assert Path(picture).stat().st_size > 0


# -- without JavaScript ----------------------------------------------------------------


def test_sign_in_and_out_without_javascript(no_js_page: Page, kit: KitOptions, admin_user: FixtureUser) -> None:
    page = no_js_page
    page.goto(_url(kit, "login") + "?next=" + quote(NEXT, safe="/"))
    assert _sign_in_by_keyboard(page, admin_user) == 200
    landed = urlsplit(page.url)
    assert (landed.path, landed.query) == ("/admin", "from=browser")
    _sign_out_by_keyboard(page, kit)
    assert re.search(r"<form[^>]*method=\"?post", page.content(), re.I), "the login page shows its form again"
