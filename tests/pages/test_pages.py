"""The pages as partner staff use them: Debian's Chromium, driven by Playwright, on the real app.

Locators are roles and labels, as a person (or a screen reader) finds things; the texts come from
the message catalogues, so a rewording changes one place. A partner system's API calls go through
the ``api`` fixture; requests no browser would make (a forged form post) through ``client`` or
``page.request``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import APIRequestContext, APIResponse, Browser, Locator, Page, expect

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.database import Database
from fraudlink.i18n import Language, translate
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer

pytestmark = pytest.mark.browser

BANK = "Testbank"
OTHER_BANK = "Anderebank"
PROGRAMME = "Programmabureau"


def text(key: str, language: Language = "nl", /, **params: object) -> str:
    return translate(key, language, **params)


def prefix_of(token: str) -> str:
    return token.split("_")[1]


def submit_key(page: Page, token: str) -> None:
    page.get_by_label(text("access.sign_in_key_label")).fill(token)
    page.get_by_role("button", name=text("access.sign_in_button")).click()


def sign_in(page: Page, base_url: str, token: str) -> None:
    page.goto("/sign-in")
    submit_key(page, token)
    expect(page).to_have_url(f"{base_url}/account")


def revoke_button(page: Page, token: str) -> Locator:
    return page.get_by_role("button", name=text("access.key_revoke_label", prefix=prefix_of(token)))


def bank_with_key(database: Database, scopes: list[str] | None = None) -> str:
    add_partner(database, BANK)
    return add_key(database, BANK, scopes=scopes)


def who_is(api: APIRequestContext, token: str) -> APIResponse:
    return api.get("/v1/me", headers=bearer(token))


def create_key_through_api(api: APIRequestContext, token: str, label: str) -> str:
    response = api.post("/v1/keys", data={"label": label}, headers=bearer(token))
    assert response.status == 201, response.text()
    prefix: str = response.json()["prefix"]
    return prefix


# Language, landmarks and assets


def test_the_home_page_is_dutch_by_default(page: Page) -> None:
    # This browser asks for Dutch; one asking for a language fraudlink lacks gets Dutch too (below).
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("web.home_title"))
    expect(page).to_have_title(re.compile(re.escape(text("web.home_title"))))
    expect(page.get_by_role("link", name="Nederlands")).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("en-GB", "en"),
        ("de-DE", "nl"),  # a language fraudlink does not speak falls back to Dutch
    ],
)
def test_the_browser_language_picks_the_page_language(
    browser: Browser, base_url: str, locale: str, language: Language
) -> None:
    context = browser.new_context(base_url=base_url, locale=locale)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(text("web.home_title", language))
    finally:
        context.close()


def test_the_language_switch_changes_the_language_and_it_sticks(page: Page, base_url: str) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="English").click()

    expect(page).to_have_url(f"{base_url}/sign-in")  # back on the page the reader was on
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.sign_in_title", "en"))
    expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")

    # The next page remembers the choice, although the browser itself asks for Dutch.
    page.get_by_role("link", name=text("web.nav_home", "en")).click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("web.home_title", "en"))

    page.get_by_role("link", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("web.home_title"))


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_landmark(
    page: Page, base_url: str
) -> None:
    page.goto("/")
    main = page.get_by_role("main")
    expect(main).to_have_count(1)
    expect(main).to_have_attribute("id", "main")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=text("web.skip_to_content"))
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/#main")


@pytest.mark.parametrize("path", ["/", "/no-such-page"])
def test_a_page_loads_everything_from_its_own_site(page: Page, base_url: str, path: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    statuses: dict[str, int] = {}
    page.on("response", lambda response: statuses.update({response.url: response.status}))

    page.goto(path)
    page.wait_for_load_state("load")

    # Root-relative addresses: they stay on this site behind any proxy, HTTP or HTTPS.
    htmx = page.locator("script[src]")
    expect(htmx).to_have_attribute("src", re.compile(r"^/static/vendor/htmx-[\d.]+\.min\.js$"))
    stylesheet = page.locator("link[rel=stylesheet]")
    expect(stylesheet).to_have_attribute("href", "/static/fraudlink.css")
    assert page.evaluate("typeof window.htmx") == "object"
    # The house style is applied: the header band has the colour fraudlink.css gives it.
    header_colour = page.locator("header.site-header").evaluate(
        "header => getComputedStyle(header).backgroundColor"
    )
    assert header_colour == "rgb(11, 61, 110)"
    static_statuses = {url: status for url, status in statuses.items() if "/static/" in url}
    assert len(static_statuses) == 2
    assert set(static_statuses.values()) == {200}

    origins = page.eval_on_selector_all(
        "[src], [href]",
        "elements => elements.map("
        "e => new URL(e.getAttribute('src') ?? e.getAttribute('href'), document.baseURI).origin)",
    )
    assert origins
    assert set(origins) == {base_url}
    assert all(url.startswith(f"{base_url}/") for url in requested), requested
    assert failed == []


# Signing in and out


def test_staff_sign_in_with_a_key_and_see_their_organisation(
    page: Page, base_url: str, database: Database
) -> None:
    token = bank_with_key(database)
    page.goto("/")
    page.get_by_role("link", name=text("web.home_partners_sign_in")).click()
    expect(page).to_have_url(f"{base_url}/sign-in")
    submit_key(page, token)

    expect(page).to_have_url(f"{base_url}/account")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.account_title"))
    signed_in_as = text(
        "access.account_signed_in_as", partner=BANK, type="bank", prefix=prefix_of(token)
    )
    expect(page.get_by_text(signed_in_as)).to_be_visible()
    permissions = page.get_by_role("list").filter(has_text="key:manage")
    for permission in GRANTS[PartnerType.BANK]:
        description = text(f"access.permission_{permission.name.lower()}")
        item = permissions.get_by_role("listitem").filter(
            has_text=re.compile(f"^{re.escape(permission.value)}:")
        )
        expect(item).to_have_text(f"{permission.value}: {description}")
    expect(permissions.get_by_role("listitem")).to_have_count(len(GRANTS[PartnerType.BANK]))


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "access.key_missing_page"),
        ("geen-sleutel", "access.key_malformed"),
        ("fl_{prefix}_wrongsecret", "access.key_invalid"),  # a real key's name, a wrong secret
    ],
)
def test_a_wrong_key_is_refused_next_to_the_field_and_signs_nobody_in(
    page: Page, base_url: str, database: Database, key: str, message: str
) -> None:
    token = bank_with_key(database)
    page.goto("/sign-in")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        submit_key(page, key.format(prefix=prefix_of(token)))

    assert answer.value.status == 400
    field = page.get_by_label(text("access.sign_in_key_label"))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_text(text(message))
    expect(field).to_have_accessible_description(re.compile(re.escape(text(message))))

    page.goto("/account")
    expect(page).to_have_url(f"{base_url}/sign-in?next=/account")


@pytest.mark.parametrize("path", ["/account", "/account/audit"])
def test_a_visitor_who_is_not_signed_in_signs_in_and_lands_where_they_were_going(
    page: Page, base_url: str, database: Database, path: str
) -> None:
    token = bank_with_key(database)
    page.goto(path)
    expect(page).to_have_url(f"{base_url}/sign-in?next={path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.sign_in_title"))

    submit_key(page, token)
    expect(page).to_have_url(f"{base_url}{path}")


@pytest.mark.parametrize(
    "target", ["https://example.invalid/", "//example.invalid/", "/\\example.invalid/"]
)
def test_signing_in_never_sends_the_browser_to_another_site(
    page: Page, base_url: str, database: Database, target: str
) -> None:
    token = bank_with_key(database)
    page.goto(f"/sign-in?next={quote(target, safe='')}")
    submit_key(page, token)
    expect(page).to_have_url(re.compile(f"^{re.escape(base_url)}/"))


def test_signing_out_ends_the_page_session(page: Page, base_url: str, database: Database) -> None:
    sign_in(page, base_url, bank_with_key(database))
    page.get_by_role("button", name=text("access.sign_out_button")).click()
    expect(page).to_have_url(f"{base_url}/")
    page.goto("/account")
    expect(page).to_have_url(f"{base_url}/sign-in?next=/account")


# Keys


def test_a_new_key_is_shown_once_and_works_at_once(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    page.get_by_label(text("access.key_label")).fill("Betaalsysteem, productie")
    scopes = page.get_by_role("group", name=text("access.key_scopes"))
    scopes.get_by_role("checkbox", name=re.compile(r"^identifier:parse")).uncheck()
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=text("access.key_create_button")).click()

    assert answer.value.status == 200
    assert answer.value.headers["cache-control"] == "no-store"
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.key_created_title"))
    secret = page.get_by_role("status").filter(has_text=re.compile(r"^fl_"))
    expect(secret).to_have_text(re.compile(r"^fl_[a-z2-7]{12}_[\w-]+$"))
    new_token = secret.inner_text().strip()
    assert new_token.startswith("fl_")

    me = who_is(api, new_token)
    assert me.status == 200
    assert me.json()["partner"] == BANK
    expected = GRANTS[PartnerType.BANK] - {Permission.IDENTIFIER_PARSE}
    assert me.json()["scopes"] == sorted(expected)

    page.get_by_role("link", name=text("access.key_created_back")).click()
    expect(page).to_have_url(f"{base_url}/account")
    row = page.get_by_role("row").filter(has_text=prefix_of(new_token))
    expect(row).to_contain_text("Betaalsysteem, productie")
    expect(row).to_contain_text(text("access.key_active"))
    expect(row).not_to_contain_text("identifier:parse")
    expect(page.get_by_text(new_token)).to_have_count(0)  # never shown again


def test_a_new_key_without_permissions_is_refused_inline(
    page: Page, base_url: str, database: Database
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    keys_table = page.get_by_role("table")
    expect(keys_table.get_by_role("row")).to_have_count(2)  # the header and the signed-in key
    page.get_by_label(text("access.key_label")).fill("Zonder rechten")
    scopes = page.get_by_role("group", name=text("access.key_scopes"))
    for checkbox in scopes.get_by_role("checkbox").all():
        checkbox.uncheck()
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=text("access.key_create_button")).click()

    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_have_text(text("access.scopes_empty"))
    expect(page.get_by_label(text("access.key_label"))).to_have_value("Zonder rechten")
    expect(keys_table.get_by_role("row")).to_have_count(2)


def test_revoking_a_key_confirms_it_and_the_key_stops_working(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    token = bank_with_key(database)
    other = add_key(database, BANK)
    assert who_is(api, other).status == 200
    sign_in(page, base_url, token)

    revoke_button(page, other).click()

    expect(page).to_have_url(f"{base_url}/account?revoked={prefix_of(other)}")
    notice = text("access.key_revoked_notice", prefix=prefix_of(other))
    expect(page.get_by_role("status")).to_have_text(notice)
    row = page.get_by_role("row").filter(has_text=prefix_of(other))
    expect(row).to_contain_text(re.compile(text("access.key_revoked", when=r"\d{4}-\d\d-\d\d")))
    expect(row.get_by_role("button")).to_have_count(0)
    assert who_is(api, other).status == 401
    assert who_is(api, token).status == 200


def test_revoking_the_key_you_signed_in_with_ends_the_session_at_once(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    token = bank_with_key(database)
    sign_in(page, base_url, token)

    revoke_button(page, token).click()

    # The session ended under the reader's hands: the sign-in page says so.
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/account.*&ended=1$"))
    expect(page.get_by_role("status")).to_have_text(text("access.session_ended"))
    page.goto("/account")
    expect(page).to_have_url(f"{base_url}/sign-in?next=/account")
    expect(page.get_by_role("status")).to_have_count(0)
    assert who_is(api, token).status == 401


def test_a_key_without_key_manage_sees_no_key_management(
    page: Page, base_url: str, database: Database
) -> None:
    sign_in(page, base_url, bank_with_key(database, scopes=["audit:read"]))

    expect(page.get_by_role("listitem").filter(has_text="audit:read")).to_be_visible()
    expect(page.get_by_role("link", name=text("access.account_audit_link"))).to_be_visible()
    expect(page.get_by_role("heading", name=text("access.account_keys"))).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("button", name=text("access.key_create_button"))).to_have_count(0)

    # Nor may the key make one by posting the form itself, with a valid CSRF token.
    csrf_token = page.locator("input[name=csrf_token]").first.input_value()
    answer = page.request.post(
        "/account/keys", form={"csrf_token": csrf_token, "label": "Omweg", "scopes": "audit:read"}
    )
    assert answer.status == 403


# The audit log


def test_a_bank_sees_its_own_audit_entries_and_no_one_elses(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    token = bank_with_key(database)
    add_partner(database, OTHER_BANK)
    other_bank_key = create_key_through_api(api, add_key(database, OTHER_BANK), "Elders")
    own_key = create_key_through_api(api, token, "Eigen")
    sign_in(page, base_url, token)

    page.get_by_role("link", name=text("access.account_audit_link")).click()

    expect(page).to_have_url(f"{base_url}/account/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("audit.page_title"))
    expect(page.get_by_text(text("audit.page_intro_own"))).to_be_visible()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="key.create").filter(has_text=own_key)).to_have_count(1)
    expect(rows.filter(has_text="key.sign_in")).to_have_count(1)
    expect(page.get_by_text(other_bank_key)).to_have_count(0)
    expect(rows).to_have_count(3)  # the header and the bank's two entries
    expect(page.get_by_role("columnheader", name=text("audit.column_partner"))).to_have_count(0)


def test_the_programme_sees_every_partners_audit_entries(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    bank_token = bank_with_key(database)
    add_partner(database, PROGRAMME, PartnerType.PROGRAMME)
    programme_token = add_key(database, PROGRAMME)
    bank_key = create_key_through_api(api, bank_token, "Van de bank")
    sign_in(page, base_url, programme_token)

    page.goto("/account/audit")

    expect(page.get_by_text(text("audit.page_intro_all"))).to_be_visible()
    expect(page.get_by_role("columnheader", name=text("audit.column_partner"))).to_be_visible()
    rows = page.get_by_role("row")
    bank_row = rows.filter(has_text=bank_key)
    expect(bank_row).to_contain_text(BANK)
    expect(bank_row).to_contain_text("key.create")
    expect(rows.filter(has_text="key.sign_in")).to_contain_text(PROGRAMME)


# Errors and forged forms


def test_an_unknown_page_is_an_html_page_with_status_404(page: Page) -> None:
    response = page.goto("/no-such-page")

    assert response is not None
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("web.problem_not_found"))
    expect(page.get_by_role("alert")).to_have_text(text("web.problem_not_found_detail"))
    expect(page.get_by_role("link", name=text("web.back_home"))).to_be_visible()


def test_an_unknown_api_address_stays_json_even_in_a_browser(page: Page) -> None:
    response = page.goto("/v1/no-such-thing")

    assert response is not None
    assert response.status == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/sign-in", "/sign-out", "/account/keys"])
def test_a_form_post_without_the_sessions_csrf_token_is_refused(
    client: TestClient, database: Database, path: str
) -> None:
    token = bank_with_key(database)
    response = client.post(path, data={"csrf_token": "forged", "key": token, "label": "x"})
    assert response.status_code == 403
    assert "set-cookie" not in response.headers  # no session was started


def test_a_tampered_csrf_token_in_the_browser_is_refused(
    page: Page, base_url: str, database: Database
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    create_form = page.locator("form[action='/account/keys']")
    create_form.locator("input[name=csrf_token]").evaluate("input => { input.value = 'forged' }")
    page.get_by_label(text("access.key_label")).fill("Vervalst")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=text("access.key_create_button")).click()

    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(text("web.problem_forbidden"))
    expect(page.get_by_role("alert")).to_have_text(text("web.csrf_failed"))

    page.goto("/account")  # still signed in, and no key was made
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(page.get_by_text("Vervalst")).to_have_count(0)


# Coming back from a form's answer


def test_switching_language_on_the_new_key_page_leads_to_a_page_that_exists(
    page: Page, base_url: str, database: Database
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    page.get_by_label(text("access.key_label")).fill("Taalwissel")
    page.get_by_role("button", name=text("access.key_create_button")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.key_created_title"))

    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="English").click()
    answer = navigation.value
    assert answer is not None
    assert answer.status == 200, f"{answer.url} answered {answer.status}"


def test_signing_in_again_after_a_form_hit_an_ended_session_leads_to_a_page_that_exists(
    page: Page, base_url: str, database: Database, api: APIRequestContext
) -> None:
    token = bank_with_key(database)
    colleague = add_key(database, BANK)
    sign_in(page, base_url, token)
    # A colleague revokes this key while the form is open.
    revoked = api.delete(f"/v1/keys/{prefix_of(token)}", headers=bearer(colleague))
    assert revoked.status == 204
    page.get_by_label(text("access.key_label")).fill("Te laat")
    page.get_by_role("button", name=text("access.key_create_button")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("access.sign_in_title"))

    with page.expect_navigation() as navigation:
        submit_key(page, colleague)
    answer = navigation.value
    assert answer is not None
    assert answer.status == 200, f"{answer.url} answered {answer.status}"


# For people debugging a page


def test_a_screenshot_of_the_account_page(
    page: Page, base_url: str, database: Database, tmp_path: Path
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    path = tmp_path / "account.png"
    page.screenshot(path=path, full_page=True)

    assert path.stat().st_size > 0
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    print(f"screenshot of /account: {path}")  # shown with pytest -s, or on failure


def test_the_api_documentation_works_offline_under_the_content_security_policy(
    page: Page, base_url: str
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    page.goto("/docs")

    expect(page.get_by_role("heading", name=re.compile("fraudlink"))).to_be_visible()
    expect(page.get_by_text("/v1/identifiers/parse").first).to_be_visible()
    assert all(url.startswith(f"{base_url}/") for url in requested), requested
    assert console_errors == []
