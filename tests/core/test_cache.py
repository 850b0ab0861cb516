"""The shared cache (Redis, CACHE_URL) is an optimisation only (issue 22): with it down, pages compute without it and
say so; nothing that must survive a dead cache (sessions, login lock-outs) is stored in it."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

import core.security  # noqa: F401  (connects the login-time receiver before force_login)
from core import cache as shared_cache

# Nothing listens on port 1: every cache call fails fast, as when Redis is stopped.
DEAD_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}


@override_settings(CACHES=DEAD_CACHE)
def test_the_helper_reports_a_dead_cache_instead_of_raising():
    assert shared_cache.get("any") == (None, False)
    assert shared_cache.set("any", 1, 60) is False


def test_the_helper_uses_a_live_cache():
    assert shared_cache.set("answer", 42, 60) is True
    assert shared_cache.get("answer") == (42, True)


@pytest.mark.django_db
@pytest.mark.parametrize("fresh", [False, True], ids=["kept", "recomputed"])
def test_the_dashboard_is_computed_live_when_the_cache_is_down(client_for, leader, fresh):
    client = client_for(leader)
    with override_settings(CACHES=DEAD_CACHE):
        response = client.get(reverse("dashboard:index"), {"fresh": "1"} if fresh else {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计缓存不可用，已实时计算" in html
    assert response.context["board"].headline()  # the figures are there, computed without the cache


@pytest.mark.django_db
def test_the_note_is_absent_when_the_cache_works(client_for, leader):
    response = client_for(leader).get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert "统计缓存不可用" not in response.content.decode()


def test_sessions_and_lockouts_do_not_live_in_the_cache():
    """A dead cache must not log everybody out or forget failed logins."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert "database" in getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler").lower()


def test_production_cache_gives_up_quickly():
    from config import settings as production

    options = production.CACHES["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] <= 1 and options["socket_timeout"] <= 1
