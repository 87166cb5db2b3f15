"""Real-browser tests: Debian's Chromium driven by (sync) Playwright against pytest-django's live server.

Availability: without /usr/bin/chromium or the playwright package the browser tests are skipped locally
and fail in CI (where the environment variable CI is set), so CI can never pass without them.

Playwright never downloads a browser here; it launches the system Chromium. Every page fails its test
on a JavaScript error or a console error, unless the test declared that error as expected (a 404 page
logs the failed load of the page itself).

Each journey saves its screenshots under var/browser-shots/ as test artifacts (BROWSER_SHOTS=0 turns that off).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(settings.BASE_DIR) / "var" / "browser-shots"
TIMEOUT_MS = 10_000


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests are required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("the playwright package is not installed (see requirements-dev.txt)")
    return sync_api


@pytest.fixture(scope="session")
def browser(playwright_api):
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    # The sync Playwright API keeps an asyncio loop running in the main thread while the browser is open
    # (to the end of the session), which trips Django's guard against the ORM in async code. The tests'
    # ORM calls are plain synchronous code between browser steps, so the guard is lifted meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def expect(playwright_api):
    """Playwright's web-first assertions (they retry until the timeout)."""
    playwright_api.expect.set_options(timeout=TIMEOUT_MS)
    return playwright_api.expect


class ConsoleErrors:
    """Console errors and uncaught exceptions of a page; `allow()` declares an expected one."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        # The portal declares no icon, so Chromium asks for /favicon.ico and logs the 404.
        self.allowed: list[re.Pattern] = [re.compile(r"status of 404 .*/favicon\.ico\)$")]

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def on_console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page_error(self, error) -> None:
        self.errors.append(f"pageerror: {error}")

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console_errors():
    return ConsoleErrors()


def _new_context(browser, live_server):
    # An English-speaking browser: the portal must still answer in Chinese, its default language.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _new_page(context, console_errors):
    page = context.new_page()
    page.on("console", console_errors.on_console)
    page.on("pageerror", console_errors.on_page_error)
    return page


def _sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def context(browser, live_server):
    context = _new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context, console_errors):
    page = _new_page(context, console_errors)
    yield page
    unexpected = console_errors.unexpected()
    assert not unexpected, "JavaScript errors in the browser:\n" + "\n".join(unexpected)


@pytest.fixture
def login_as(context, live_server):
    """Sign the browser in as a user without the login form (the form has its own journey)."""

    def login(user) -> None:
        _sign_in(context, live_server, user)

    return login


@pytest.fixture
def second_browser(browser, live_server, console_errors):
    """second_browser(user): a page in a browser session of its own (its own cookies), signed in as user.

    For journeys of two people at once; its console errors fail the test like those of `page`.
    """
    contexts = []

    def open_as(user):
        context = _new_context(browser, live_server)
        contexts.append(context)
        _sign_in(context, live_server, user)
        return _new_page(context, console_errors)

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def real_reference_data(transactional_db):
    """The real regions and departments (fixtures/regions.json, departments.json), loaded for one test.

    The live server makes browser tests transactional: the database is flushed after each one, so the
    module-wide `reference_data` of tests/reference.py would be gone after the first test using it.
    """
    call_command("loaddata", "regions", "departments", verbosity=0)


@pytest.fixture
def shot(page, request):
    """shot(): a full-page screenshot named after the test, kept as an artifact (BROWSER_SHOTS=0: none)."""

    def take(suffix: str = "", of=None) -> None:
        """of: another page than the test's `page` (a second tab or a second browser session)."""
        if os.environ.get("BROWSER_SHOTS") == "0":
            return
        SHOTS.mkdir(parents=True, exist_ok=True)
        (of or page).screenshot(path=str(SHOTS / f"{request.node.name}{suffix}.png"), full_page=True)

    return take
