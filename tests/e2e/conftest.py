"""Browser tests: Playwright drives Debian's Chromium (by executable path; no browser download) against the app
served by pytest-django's live server. Each test leaves a screenshot of its last page in test-artifacts/.

The demo county is loaded once per test session and kept as a snapshot in a separate schema of the test database;
every test that asks for `demo` starts from a fresh copy of it (the snapshot is copied back in a second), so the
tests share the cost of the load but not each other's changes."""

import os
import re
import shutil
from pathlib import Path

import pytest

from core.demo import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    # closed network: no background connections that the machine would refuse
    "--disable-background-networking", "--disable-component-update",
]
SNAPSHOT_SCHEMA = "e2e_demo_snapshot"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.skip("未安装 Chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1366, "height": 900}, "accept_downloads": True}


@pytest.fixture
def page(page, request):
    """The page, with a screenshot of the last state saved after the test, and console errors collected."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    if not page.is_closed():
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def current_totp(username):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def login(page, live_server):
    """login(username[, password]): through the login page; a two-factor role also enters its current TOTP code."""

    def do_login(username, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/otp/" in page.url:
            page.fill("#id_token", current_totp(username))
            page.click("button[type=submit]")
            page.wait_for_load_state()
        return page

    return do_login


@pytest.fixture
def logout(page):
    def do_logout():
        page.click("text=退出")
        page.wait_for_url("**/login/**")

    return do_logout


# --- the demo county, loaded once per session -----------------------------------------------------------------

_snapshot = {"taken": False}
# Tables a trigger fills as the rows of another come back (cadres 0014: 在册人数 from cadres_cadre): not copied.
TRIGGER_FILLED = {"cadres_rostercount"}


def _tables(connection):
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _take_snapshot(connection):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in _tables(connection):
            cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")


def _restore_snapshot(connection):
    """Every table emptied and refilled from the snapshot in one transaction (the foreign keys are deferred), then
    the id sequences set past the restored rows."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    quote = connection.ops.quote_name  # the identifiers are the database's own table names, quoted
    tables = _tables(connection)
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE is much quicker than TRUNCATE on a hundred small tables; the tables with triggers (the append-only
        # ones refuse DELETE; cadres_cadre's counts its rows) are truncated.
        cursor.execute("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace")
        append_only = sorted({name for (name,) in cursor.fetchall()} & set(tables))
        if append_only:
            cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in append_only) + " CASCADE")
        for table in tables:
            if table not in append_only:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table in tables:
            if table in TRIGGER_FILLED:
                continue
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {SNAPSHOT_SCHEMA}.{quote(table)}")  # noqa: S608
        cursor.execute("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')
        """)
        for table, column in cursor.fetchall():
            if table in tables:
                maximum = f"MAX({quote(column)})"
                sql = f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE({maximum}, 1), {maximum} IS NOT NULL) "
                cursor.execute(sql + f"FROM {quote(table)}", [quote(table), column])  # noqa: S608
    ContentType.objects.clear_cache()  # ids as in the snapshot, not as recreated after the last flush


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    """The demo county (units, users, cases of every app) in the test database, fresh for each test. Serialized
    rollback puts back the rows of the data migrations that an earlier transactional test's flush removed, so the
    first load (the snapshot) has them too."""
    from django.core.management import call_command
    from django.db import connection

    if _snapshot["taken"]:
        _restore_snapshot(connection)
    else:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        _take_snapshot(connection)
        _snapshot["taken"] = True


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files of this test in a temporary folder (the live server shares these settings)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)
