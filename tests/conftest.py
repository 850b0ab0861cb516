"""Personas shared by every app's tests (one user per role, two liaison units, another county, an outsider), real
Celery workers, the suite-wide ordering of transactional tests, and core.compiled_sql checked against Django."""

import os
import threading

import pytest

from core import compiled_sql, roles
from tests.factories import UnitFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _thread_local_connections():
    """Database connections kept per thread, as in any synchronous Django process, even while Playwright's event loop
    runs in the test thread. Django keeps them in asgiref's thread-critical Local, which switches to per-context
    storage whenever an event loop is running: inside a browser test `connections["default"]` was then another
    connection object than the one pytest-django prepared, without the serialized contents that serialized rollback
    puts back (so the rows of the data migrations were silently not restored, and the flush after the test re-created
    roles and content types under new ids, which made the next test with serialized rollback fail with
    IntegrityError). Applied when this conftest is imported, before pytest-django sets up the test database."""
    from django.db import connections

    storage = getattr(connections._connections, "_storage", None)
    if isinstance(storage, threading.local):
        connections._connections = storage


_thread_local_connections()


@pytest.fixture(autouse=True, scope="session")
def _compiled_sql_checked():
    """Every query whose SQL core.compiled_sql keeps per shape is compiled by Django as well and must come out the
    same: the whole suite checks the kept SQL. (A fixture, not an import-time switch: the benchmark imports this
    module for verify_two_factor and must measure the product as it runs.)"""
    compiled_sql.VERIFY = True
    yield
    compiled_sql.VERIFY = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a dashboard board kept for user 1 of an earlier test is not this
    test's user 1."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_security_policy():
    """The policy is cached per process; each test reads its own database's row (at login, the first read)."""
    from core.models import _settings_cache

    _settings_cache.clear()
    yield
    _settings_cache.clear()


@pytest.fixture
def county(db):
    return UnitFactory(code="COUNTY", name="青溪县委", short_name="县委")


@pytest.fixture
def unit_a(county):
    return UnitFactory(code="UNIT-A", name="县纪委监委", parent=county)


@pytest.fixture
def unit_b(county):
    return UnitFactory(code="UNIT-B", name="县审计局", parent=county)


@pytest.fixture
def other_county(db):
    return UnitFactory(code="OTHER", name="邻县县委")


def _persona(username, role, unit, **extra):
    return UserFactory(username=username, roles=[role] if role else [], unit=unit, **extra)


@pytest.fixture
def staff(county):
    return _persona("staff", roles.STAFF, county, jurisdiction=county)


@pytest.fixture
def section_head(county):
    return _persona("head", roles.SECTION_HEAD, county, jurisdiction=county)


@pytest.fixture
def leader(county):
    return _persona("leader", roles.LEADER, county, jurisdiction=county)


@pytest.fixture
def liaison_a(unit_a):
    return _persona("liaison_a", roles.LIAISON, unit_a)


@pytest.fixture
def liaison_b(unit_b):
    return _persona("liaison_b", roles.LIAISON, unit_b)


@pytest.fixture
def other_county_staff(other_county):
    """Office staff of another county: sees none of this county's cases."""
    return _persona("other_staff", roles.STAFF, other_county, jurisdiction=other_county)


@pytest.fixture
def system_admin(county):
    return _persona("sysadmin", roles.SYSTEM_ADMIN, county, is_staff=True)


@pytest.fixture
def security_admin(county):
    return _persona("secadmin", roles.SECURITY_ADMIN, county, is_staff=True)


@pytest.fixture
def security_auditor(county):
    return _persona("auditor", roles.SECURITY_AUDITOR, county, is_staff=True)


@pytest.fixture
def outsider(county):
    """Logged in, but with no role."""
    return _persona("outsider", None, county)


def verify_two_factor(client, user):
    """Mark the session two-factor verified for the roles that need it (as after entering a TOTP code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.twofactor import requires_two_factor

    if requires_two_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "测试"})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        verify_two_factor(client, user)
        return client

    return login


class WorkerProcess:
    """Starts real Celery workers (separate processes) on the real Redis broker, using the test database.
    A unique queue keeps parallel runs on one machine from taking each other's tasks."""

    def __init__(self, extra_env=None, include=()):
        import uuid

        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.extra_env = extra_env or {}
        self.include = include
        self.processes = []

    def start(self):
        import os
        import subprocess
        import sys
        from pathlib import Path

        from django.db import connection

        db = connection.settings_dict
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            DATABASE_CONN_MAX_AGE="0",
            CELERY_TASK_ALWAYS_EAGER="false",
            **self.extra_env,
        )
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
                   "-Q", self.queue, "-n", f"{self.queue}-{len(self.processes)}@%h",
                   "--without-heartbeat", "--without-gossip", "--without-mingle"]
        for module in self.include:
            command += ["-I", module]
        process = subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def stop_all(self):
        import subprocess

        for process in self.processes:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def celery_workers(transactional_db):
    """Factory: celery_workers(extra_env=..., include=[...]) → a WorkerProcess; tasks run for real meanwhile."""
    from config.celery import app

    made = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False

    def make(**kwargs):
        workers = WorkerProcess(**kwargs)
        made.append(workers)
        return workers

    yield make
    app.conf.task_always_eager = eager
    for workers in made:
        workers.stop_all()


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real worker; yields the queue name to send tasks to."""
    workers = celery_workers()
    workers.start()
    return workers.queue


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                               or (marker.args and marker.args[0])):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark the browser tests, and run every transactional test (browser tests, real Celery workers) after the
    plain database tests. pytest-django sorts them last, but pytest then groups the tests that share
    pytest-playwright's session-scoped `browser_name` parameter, which pulls the browser tests back among the plain
    database tests; a transactional test empties the tables when it ends (rows of data migrations included), so
    the plain tests after it would run on an emptied database.

    Every transactional test gets serialized rollback, those marked `django_db(transaction=True)` included: after
    a test with it the flush leaves the tables empty, so a test without it would start with no roles at all.
    _thread_local_connections makes it work in the browser tests too."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
        names = getattr(item, "fixturenames", None)
        if names is not None and _is_transactional(item) and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")
    items.sort(key=_is_transactional)  # stable: the order within each group is kept


# --- a city and two counties (issue 20): each county has its office; settings and case numbers per county ---------

@pytest.fixture
def city(db):
    return UnitFactory(code="LJ", name="临江市委", short_name="市委")


@pytest.fixture
def county_qx(city):
    return UnitFactory(code="QX", name="青溪县委", short_name="青溪县委", parent=city)


@pytest.fixture
def county_bs(city):
    return UnitFactory(code="BS", name="白石县委", short_name="白石县委", parent=city)


@pytest.fixture
def qx_staff(county_qx):
    return _persona("qx_staff", roles.STAFF, county_qx, jurisdiction=county_qx)


@pytest.fixture
def bs_staff(county_bs):
    return _persona("bs_staff", roles.STAFF, county_bs, jurisdiction=county_bs)
