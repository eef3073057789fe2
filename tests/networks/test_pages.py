"""The networks pages: a list with filters, and a network as a picture with its table."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.i18n import translate
from tests.factories import add_key
from tests.webhooks.test_webhook_pages import sign_in

POLICE = "Politie"


def test_police_see_the_list_and_a_network_with_picture_and_table(
    demo: Database, client: TestClient
) -> None:
    sign_in(client, add_key(demo, POLICE))
    account = client.get("/account")
    assert 'href="/networks"' in account.text
    listed = client.get("/networks")
    assert listed.status_code == 200
    assert translate("networks.page_list_title") in listed.text
    assert "marktplaats.nl" in listed.text  # among the values not used as a link
    network_id = re.search(r'href="/networks/(\d+)"', listed.text)
    assert network_id is not None
    page = client.get(f"/networks/{network_id[1]}")
    assert page.status_code == 200
    assert '<svg class="network" role="img"' in page.text
    assert '<title id="network-title">' in page.text and "<desc" in page.text
    assert page.text.count("<circle") >= 2
    assert 'id="members"' in page.text
    assert client.get(f"/networks/{network_id[1]}.graphml").status_code == 200
    with demo.read_only() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("network.%"))
        ).all()
    assert sorted(actions) == ["network.export_graphml", "network.list", "network.read"]


def test_the_list_filters_by_fraud_type_and_size(demo: Database, client: TestClient) -> None:
    sign_in(client, add_key(demo, POLICE))
    everything = client.get("/networks").text.count('<a href="/networks/')
    typed = client.get("/networks?fraud_type=investment&min_size=1&since=&until=").text
    assert 0 < typed.count('<a href="/networks/') < everything
    assert client.get("/networks?min_size=1000").text.count('<a href="/networks/') == 0


def test_a_bank_has_no_networks_link_and_is_refused(demo: Database, client: TestClient) -> None:
    sign_in(client, add_key(demo, "ABN AMRO"))
    assert 'href="/networks"' not in client.get("/account").text
    assert client.get("/networks").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/networks/1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_in_a_browser_a_network_shows_its_picture_beside_its_table(
    demo: Database, page: Page
) -> None:
    page.goto("/sign-in")
    page.get_by_label(translate("access.sign_in_key_label")).fill(add_key(demo, POLICE))
    page.get_by_role("button", name=translate("access.sign_in_button")).click()
    page.goto("/account")
    page.get_by_role("link", name=translate("access.account_networks_link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translate("networks.page_list_title"))
    page.locator("#networks a").first.click()
    picture = page.get_by_role("img", name=re.compile(r"Netwerk \d+"))
    expect(picture).to_be_visible()
    expect(page.locator("svg.network circle").first).to_be_visible()
    rows = page.locator("#members tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    box_picture = picture.bounding_box()
    box_table = page.locator("#members").bounding_box()
    assert box_picture and box_table
    assert box_table["x"] > box_picture["x"], "the table stands beside the picture"
