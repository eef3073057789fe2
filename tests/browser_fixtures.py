"""Fixtures for the browser tests of every folder: the real app on a real port, and Debian's
Chromium to visit it (a plugin of the root conftest: one Playwright per worker process).

Playwright drives the Chromium that Debian installs (``/usr/bin/chromium``); it never downloads
a browser of its own. One browser per xdist worker is started once, and every test gets a fresh
browser context (no cookies, no cache), so tests cannot see each other's sessions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import APIRequestContext, Browser, Page, Playwright, sync_playwright

from tests.browser import live_server

CHROMIUM = "/usr/bin/chromium"
# No sandbox: CI containers run as root without user namespaces. The rest keeps Chromium off the
# network, so a test can only ever talk to the live server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Most partner staff read Dutch; tests that need another browser language open their own context.
BROWSER_LOCALE = "nl-NL"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    """The address of this test's app, served by uvicorn on a free port."""
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A tab in a fresh browser context whose relative URLs resolve against ``base_url``."""
    context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    yield context.new_page()
    context.close()


@pytest.fixture
def api(playwright: Playwright, base_url: str) -> Iterator[APIRequestContext]:
    """A partner system calling the API of the live server, without the browser's cookies."""
    context = playwright.request.new_context(base_url=base_url)
    yield context
    context.dispose()
