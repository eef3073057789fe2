"""The dashboard /figures: for signed-in partner staff, charts drawn on the server with the same
numbers in tables, a period filter, and links to each figure's JSON and CSV. Through TestClient
first, then in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from playwright.sync_api import Browser, Page, expect

from fraudlink.i18n import Language, translate
from tests.browser_fixtures import BROWSER_LOCALE
from tests.reports.partnership import HELPDESK, ING, Partnership, report, submit
from tests.webhooks.test_webhook_pages import sign_in

NAMES = (
    "by-fraud-type",
    "by-channel",
    "by-age-band",
    "by-month",
    "month-on-month",
    "climbing-fraud-types",
    "emerging-domains",
)


def text(key: str, language: Language = "nl", /, **params: Any) -> str:
    return translate(key, language, **params)


def file_reports(client: TestClient, partnership: Partnership) -> None:
    """13 purchase reports of € 120,50 in March 2025 from Utrecht, 4 bank-helpdesk ones of € 5.000
    in 2024 without a postcode."""
    for day in range(1, 14):
        submit(
            client,
            partnership,
            report(
                fraud_type="purchase",
                channel="website",
                occurred_at=f"2025-03-{day:02d}T10:00:00Z",
                age_band="30-49",
                postcode="3512 JE",
                payments=[{"amount_cents": 12050, "method": "ideal"}],
            ),
        )
    for day in range(1, 5):
        submit(
            client,
            partnership,
            report(
                fraud_type="bank_helpdesk",
                channel="phone_call",
                occurred_at=f"2024-06-{day:02d}T10:00:00Z",
                age_band="70+",
                payments=[{"amount_cents": 500000, "method": "instant"}],
            ),
        )


@pytest.fixture
def signed_in(app: FastAPI, partnership: Partnership) -> TestClient:
    client = TestClient(app)
    sign_in(client, partnership.key(ING))
    return client


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/figures", "/figures/by-month.csv", "/figures/by-month.json"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")


def test_the_account_page_links_to_the_dashboard(signed_in: TestClient) -> None:
    account = signed_in.get("/account")
    assert 'href="/figures"' in account.text
    assert str(escape(text("access.account_figures_link"))) in account.text


def test_the_dashboard_shows_every_figure_with_chart_table_and_links(
    signed_in: TestClient, client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership)
    page = signed_in.get("/figures")
    assert page.status_code == 200
    for name in NAMES:
        assert f'id="{name}"' in page.text
        assert f'href="/figures/{name}.json"' in page.text
        assert f'href="/figures/{name}.csv"' in page.text
    assert page.text.count('<svg class="chart"') >= 5
    assert "<td>13</td>" in page.text  # purchase reports
    assert "€ 1.566,50" in page.text  # 13 of € 120,50
    assert "€ 20.000,00" in page.text  # 4 of € 5.000
    assert str(escape(text("reports.fraud_type_purchase"))) in page.text


def test_the_period_filter_narrows_every_figure(
    signed_in: TestClient, client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership)
    page = signed_in.get("/figures", params={"year": "2024"})
    assert page.status_code == 200
    assert '<option value="2024" selected>' in page.text
    assert "€ 1.566,50" not in page.text
    assert "€ 20.000,00" in page.text
    assert 'href="/figures/by-month.csv?year=2024"' in page.text
    csv_text = signed_in.get("/figures/by-fraud-type.csv", params={"year": "2024"}).text
    assert csv_text.splitlines()[1:] == [
        f"bank_helpdesk,{text('reports.fraud_type_bank_helpdesk')},4,4,20000.0"
    ]
    document = signed_in.get("/figures/by-fraud-type.json", params={"year": "2024"}).json()
    assert document["rows"][0]["reports"] == 4


def test_a_period_that_cannot_be_read_says_so_and_shows_everything(
    signed_in: TestClient, client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership)
    page = signed_in.get("/figures", params={"year": "2024", "from": "2024-01-01"})
    assert page.status_code == 422
    assert str(escape(text("figures.period_year_or_range"))) in page.text
    unreadable = signed_in.get("/figures", params={"from": "morgen"})
    assert unreadable.status_code == 422
    assert str(escape(text("figures.page_period_unreadable"))) in unreadable.text
    assert "€ 20.000,00" in unreadable.text


def test_the_dashboard_speaks_english(
    signed_in: TestClient, client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership)
    page = signed_in.get("/figures", params={"lang": "en"})
    assert text("figures.page_title", "en") in page.text
    assert "€ 1,566.50" in page.text


@pytest.fixture
def tab(browser: Browser, base_url: str, partnership: Partnership) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label(text("access.sign_in_key_label")).fill(partnership.key(HELPDESK))
    page.get_by_role("button", name=text("access.sign_in_button")).click()
    expect(page).to_have_url(f"{base_url}/account")
    yield page
    context.close()


@pytest.mark.browser
def test_the_dashboard_in_a_browser_draws_charts_with_real_numbers(
    tab: Page, client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership)
    tab.get_by_role("link", name=text("access.account_figures_link")).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(text("figures.page_title"))
    chart = tab.get_by_role("img", name=text("figures.page_chart_reports_by_fraud_type"))
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("13")
    expect(tab.locator("#by-fraud-type svg.chart")).to_have_count(2)
    damage = tab.get_by_role("img", name=text("figures.page_chart_damage_by_fraud_type"))
    expect(damage).to_contain_text("€ 20.000,00")
    table = tab.get_by_role("table", name=text("figures.title_by_fraud_type"))
    purchase = table.get_by_role("row").filter(has_text=text("reports.fraud_type_purchase"))
    expect(purchase.get_by_role("cell").nth(0)).to_have_text("13")
    expect(tab.locator("#totals")).to_contain_text("17")
    by_region = tab.get_by_role("img", name=text("figures.page_chart_reports_by_region"))
    expect(by_region).to_contain_text(text("reports.region_utrecht"))
    regions = tab.get_by_role("table", name=text("figures.title_by_region"))
    utrecht = regions.get_by_role("row").filter(has_text=text("reports.region_utrecht"))
    expect(utrecht.get_by_role("cell").nth(0)).to_have_text("13")
    unknown = regions.get_by_role("row").filter(has_text=text("figures.unknown"))
    expect(unknown.get_by_role("cell").nth(0)).to_have_text("4")
    # The filter is a plain form: choose 2024 and only the bank-helpdesk reports remain.
    tab.get_by_label(text("figures.page_year_label"), exact=True).select_option("2024")
    tab.get_by_role("button", name=text("figures.page_filter_button")).click()
    expect(tab.locator("#totals")).to_contain_text("4")
    expect(
        table.get_by_role("row").filter(has_text=text("reports.fraud_type_purchase"))
    ).to_have_count(0)
    expect(tab.get_by_role("link", name=text("figures.page_csv_link")).first).to_have_attribute(
        "href", "/figures/by-fraud-type.csv?year=2024"
    )
