import os

import pytest

from northstar.testing import PASSWORD, World, make_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def pytest_configure(config):
    from django.conf import settings

    # Hashing test passwords slowly proves nothing and costs a second per test world.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_terminal_summary(terminalreporter):
    """The OKR coach's precision and recall on its labelled corpus, when those tests ran."""
    import sys

    module = sys.modules.get("northstar.core.lint.tests.test_corpus")
    scores = getattr(module, "SCORES", None)
    if not scores:
        return
    terminalreporter.section("OKR coach: output-vs-outcome rule on the labelled corpus")
    for name, (precision, recall, count) in sorted(scores.items()):
        terminalreporter.write_line(
            f"{name:16} precision {precision:.3f}  recall {recall:.3f}  ({count} key results)"
        )


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production defaults redirect to HTTPS and mark cookies secure; the test server speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Forecasts are not remembered (ids repeat when tests roll back; the forecast cache's own tests turn a real
    # cache on). Pages are remembered within each test, as in production: a write a page does not show fails it.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }
    from django.core.cache import caches

    caches["pages"].clear()
    from northstar.workspaces import revisions

    revisions.forget_pending()  # what earlier tests left pending names rows they rolled back
    # Query-count tests compare computed pages; the kept roadmaps' own tests turn keeping on.
    settings.NORTHSTAR_ROADMAPS_KEPT = 0
    settings.NORTHSTAR_FORECASTS_KEPT = 0
    settings.NORTHSTAR_CHECK_INS_KEPT = 0
    settings.NORTHSTAR_OKR_LAYOUTS_KEPT = 0
    settings.NORTHSTAR_OKR_TREES_KEPT = 0
    from northstar.okrs.queries import forget_forecasts

    forget_forecasts()


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login


__all__ = ["PASSWORD"]
