"""A live server and headless Chromium (Debian's, never a downloaded one) for browser tests."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def app(app_factory):
    """The portal as in production: administrators, methodists and coordinators must sign in
    with a second factor, so every browser test that signs one in goes through it."""
    return app_factory(SECOND_FACTOR_ROLES=("admin", "methodist", "coordinator", "ministry"))


@pytest.fixture
def live_server(app):
    """Serve `app` on a free loopback port from a thread; yield its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    """Launch headless Chromium through Playwright."""
    if CHROMIUM is None:
        message = "Debian's chromium is not installed (apt install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (desktop width)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh browser page at a phone's width."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()
