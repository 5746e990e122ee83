"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test opens is watched: a console error, an uncaught exception or a Content Security Policy violation
fails the test (`Watch.assert_clean`, called by `visit` and again when the test ends).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from northstar.exchange.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo

# DJANGO_ALLOW_ASYNC_UNSAFE=1 (Playwright runs an event loop in this thread) is set by northstar/conftest.py.

SHOTS = Path("/tmp/northstar-shots")
DIST = Path(django_settings.BASE_DIR) / "static" / "dist"
CHROMIUM = "/usr/bin/chromium"
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}
TIMEOUT_MS = 5_000  # a local server answers in milliseconds; fail fast rather than after 30 s

# Reports CSP violations to Python (through an exposed binding) and keeps them on the page as a fallback.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const v = {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
             line: e.lineNumber, sample: e.sample};
  window.__cspViolations.push(v);
  if (window.__nsReportCsp) window.__nsReportCsp(JSON.stringify(v));
}, true);
"""


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed (apt-get install -y chromium)")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # English by default whatever the machine's locale, so that LocaleMiddleware starts every test in English.
    return {**browser_context_args, "viewport": WIDE, "locale": "en-GB"}


@pytest.fixture(scope="session")
def _http_live_server_settings():
    """Settings the live server's middleware reads once, when the server starts (before any function-scoped
    `settings` fixture could change them): no redirect to HTTPS, no HSTS, plain static files storage."""
    if not (DIST / "app.css").exists() or not (DIST / "app.js").exists():
        pytest.fail(f"{DIST} has no app.css/app.js: run `npm run build` first")
    overrides = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    overrides.enable()
    yield
    overrides.disable()


@pytest.fixture(scope="session")
def live_server(_http_live_server_settings, live_server):
    """pytest-django's live server (static files through the finders), started with the settings above."""
    return live_server


@pytest.fixture
def demo(live_server):
    """The Finvest demo workspace, dated so that today is where the file's "today" is."""
    result = load_demo(today=timezone.localdate(), shift=True)
    assert result.loaded, result.message
    return result


@dataclass
class Watch:
    """Console errors, uncaught exceptions and CSP violations seen on a page."""

    problems: list[str] = field(default_factory=list)

    def add(self, kind: str, page_url: str, text: object) -> None:
        self.problems.append(f"{kind} on {page_url}: {text}")

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(context, watch):
    """pytest-playwright's page, watched: any console error or CSP violation fails the test at its end."""
    context.add_init_script(CSP_LISTENER)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.expose_function(
        "__nsReportCsp", lambda payload: watch.add("CSP violation", page.url, json.loads(payload))
    )
    page.on("console", lambda msg: msg.type == "error" and watch.add("console error", page.url, msg.text))
    page.on("pageerror", lambda exc: watch.add("uncaught exception", page.url, exc))
    yield page
    watch.assert_clean()
    page.close()


@dataclass
class UI:
    """What the tests do with the browser: open pages, sign in and out, take screenshots."""

    page: Page
    server: object
    watch: Watch

    def url(self, path: str) -> str:
        return self.server.url + path  # type: ignore[attr-defined]

    def visit(self, path: str) -> None:
        """Open `path`; fail on an error status, missing CSS/JS, console errors or CSP violations."""
        response = self.page.goto(self.url(path))
        assert response is not None, path
        assert response.ok, f"{path}: HTTP {response.status}"
        self.settled()

    def settled(self) -> None:
        """The page that is showing has its CSS and scripts, and the browser has complained about nothing."""
        self.page.wait_for_load_state("load")
        state = self.page.evaluate(
            """() => ({
              htmx: typeof window.htmx !== "undefined",
              appCss: Array.from(document.styleSheets).some((s) => (s.href || "").endsWith("/dist/app.css")),
              skipLinkPosition: (el => el && getComputedStyle(el).position)(document.querySelector(".skip-link")),
            })"""
        )
        self.watch.assert_clean()
        # The skip link is only taken out of the flow by app.css, so this proves the stylesheet applies.
        assert state == {"htmx": True, "appCss": True, "skipLinkPosition": "absolute"}, (self.page.url, state)

    def htmx_idle(self) -> None:
        """No htmx request in flight and every swap settled (new content processed by htmx)."""
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
        )

    def sign_in(self, email: str = DEMO_LOGIN, password: str = DEMO_PASSWORD) -> None:
        """Through the login form, as a person would (found by field names: the labels may be translated)."""
        self.visit("/login/")
        form = self.page.locator("main form[action='/login/']")
        form.locator("input[name='username']").fill(email)
        form.locator("input[name='password']").fill(password)
        form.locator("button[type='submit']").click()
        self.page.wait_for_url(lambda url: "/login/" not in url)
        self.settled()

    def sign_out(self) -> None:
        self.page.locator("form[action='/logout/'] button[type='submit']").click()
        self.page.wait_for_url(lambda url: "/login/" in url)
        self.settled()

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def ui(page, live_server, watch) -> UI:
    return UI(page, live_server, watch)
