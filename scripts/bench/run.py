# ruff: noqa: S603, S607 (a benchmark driver: runs psql, createdb, manage.py, gunicorn and wrk)
"""make bench: province-scale data, then every figure of issue 11 side by side with its peer, into docs/benchmarks.md.

    .venv/bin/python scripts/bench/run.py [--reseed] [--samples 20] [--scale province]

1. Data: database cs_scale (BENCH_DATABASE_URL), loaded by `scripts/bench/seed_scale.py` unless a load of the same
   scale is already there (--reseed forces a fresh database). The load time is one of the figures.
2. Pages through the full middleware stack (Django test Client, production settings: DEBUG off), logged in as the
   province section head; beside each, the Django admin changelist (or change form) of the same model with the same
   page size and filter, logged in as a superuser created in the benchmark database only. The API's list endpoints
   (part "api") in the same table, each beside its page read by the page's user, with a key issued for the run.
3. The monthly workbook of the busiest month vs xlsxwriter constant_memory writing the same cells.
4. The deadline scan over the whole data set (rolled back each time) vs the bare SQL counting what is due.
5. Cadre list throughput under gunicorn (127.0.0.1:8111) with wrk, concurrent connections on loopback.

Django is set up at run time (setup_django, with the benchmark's environment), so the project's modules are imported
inside the functions that need them.
"""

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cs_scale")
PORT = int(os.environ.get("BENCH_PORT", "8111"))

# Production settings with benchmark-only keys (not secrets: this database holds synthetic data only).
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "AUDIT_LOG_KEY": "62656e63682d6f6e6c792d61756469742d6b6579",
    "PETITION_KEYS": "bench1:000102030405060708090a0b0c0d0e0f",
    "PETITION_ACTIVE_KEY": "bench1",
    "PETITION_HASH_KEY": "101112131415161718191a1b1c1d1e1f",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "LOG_LEVEL": "WARNING",
}


def log(text):
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(command, **kwargs):
    env = {**os.environ, **ENV}
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


# --- 1. data -----------------------------------------------------------------------------------------------------


def prepare(scale, reseed, seed):
    VAR.mkdir(parents=True, exist_ok=True)
    summary = VAR / f"seed-{scale}.json"
    url = urllib.parse.urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    host = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    if url.password:
        os.environ["PGPASSWORD"] = urllib.parse.unquote(url.password)
    exists = (
        subprocess.run(
            ["psql", *host, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "1"
    )
    if exists and summary.exists() and not reseed:
        log(f"使用已有的 {scale} 数据（{summary}）；--reseed 重新生成")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"])
        return json.loads(summary.read_text())
    if exists:
        subprocess.run(["dropdb", *host, "--force", name], check=True)
    subprocess.run(["createdb", *host, name], check=True)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"])
    log(f"生成 {scale} 数据（seed_scale）……")
    run([PYTHON, "-u", "scripts/bench/seed_scale.py", "--scale", scale, "--seed", str(seed), "--summary", str(summary)])
    return json.loads(summary.read_text())


# --- helpers -------------------------------------------------------------------------------------------------------


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(function, warmup, samples):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "n": samples}


def machine():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


# --- 2. pages ------------------------------------------------------------------------------------------------------


def setup_django():
    os.environ.update(ENV)
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "scripts.bench.urls"
    from config.wsgi import freeze_startup_objects

    freeze_startup_objects()  # as a production worker starts (config/wsgi.py): the pages are measured in-process


def verified_client(user):
    """A test client logged in as `user`, with the session marked as two-factor verified where the project asks
    for it (tests/conftest.py verify_two_factor)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    try:
        from tests import conftest

        verify = getattr(conftest, "verify_two_factor", None)
        verify = getattr(verify, "__wrapped__", verify)
        if callable(verify):
            try:
                verify(client, user)
            except TypeError:
                pass
    except ImportError:
        pass
    return client


def page_targets(data):
    """(label, our url, admin url or None, kind[, username]) for the pages measured: opened by the province's
    section head unless a username is given."""
    from cadres.models import Cadre
    from core.models import Unit
    from petitions.models import PetitionSubject
    from vetting.models import VettingCase

    root = Unit.objects.get(code=data["root"])
    county = Unit.objects.filter(path__startswith=root.path, code__regex=r"-K[0-9]{3}$").order_by("code").first()
    # The profile of the cadre with the most petitions: the heaviest page of its kind.
    from django.db.models import Count

    busiest = (
        PetitionSubject.objects.filter(cadre__unit__path__startswith=root.path)
        .values("cadre")
        .annotate(n=Count("id"))
        .order_by("-n", "cadre")
        .first()
    )
    cadre = Cadre.objects.get(pk=busiest["cadre"])
    case = (
        VettingCase.objects.filter(proposed_unit__path__startswith=root.path, status="probation")
        .annotate(n=Count("events"))
        .order_by("-n", "id")
        .first()
    )
    year = datetime.date.today().year
    filters = f"status=serving&rank=section_deputy&unit={county.pk}"
    county_staff = f"{county.code.lower()}-staff1"  # scripts/bench/scale/org.py names the county offices' users
    admin_filters = f"status__exact=serving&rank__exact=section_deputy&unit_path={county.path}"
    return [
        (
            "干部列表（单位+职级+状态筛选）",
            f"/cadres/?{filters}",
            f"/bench-admin/cadres/cadre/?{admin_filters}",
            "list",
        ),
        ("干部列表（默认，全省）", "/cadres/", "/bench-admin/cadres/cadre/", "list"),
        ("干部姓名模糊查询（两字）", "/cadres/?q=建国", "/bench-admin/cadres/cadre/?q=建国", "search"),
        (
            "干部姓名模糊查询（三字）",
            f"/cadres/?q={cadre.name[:3]}",
            f"/bench-admin/cadres/cadre/?q={cadre.name[:3]}",
            "search",
        ),
        (
            "廉政档案（举报最多的干部）",
            f"/cadres/{cadre.code}/",
            f"/bench-admin/cadres/cadre/{cadre.pk}/change/",
            "profile",
        ),
        ("信访举报列表（剩余天数，默认）", "/petitions/", "/bench-admin/petitions/petition/", "list"),
        (
            "信访举报列表（状态=查核中）",
            "/petitions/?status=investigating",
            "/bench-admin/petitions/petition/?status__exact=investigating",
            "list",
        ),
        (
            "任前把关案件页",
            f"/vetting/{case.number}/",
            f"/bench-admin/vetting/vettingcase/{case.pk}/change/",
            "profile",
        ),
        (
            "联席会议报送情况矩阵",
            f"/liaison/compliance/?year={year}",
            f"/bench-admin/liaison/report/?period__year={year}&kind__exact=monthly",
            "list",
        ),
        # 全局搜索 (issue 21): a two-character name, a common name, a phrase, the beginning of case numbers
        ("全局搜索（两字姓名）", "/search/?q=建国", None, "global_search"),
        ("全局搜索（常见姓名）", "/search/?q=张伟", None, "global_search"),
        ("全局搜索（词语）", "/search/?q=违规", None, "global_search"),
        ("全局搜索（案件编号前缀）", "/search/?q=XF-2025", None, "global_search"),
        # the same box for a county's staff: his jurisdiction bounds every source (a small share of the province)
        ("全局搜索（县级工作人员，常见姓名）", "/search/?q=张伟", None, "global_search", county_staff),
        ("全局搜索（县级工作人员，词语）", "/search/?q=违规", None, "global_search", county_staff),
        ("领导看板（重新统计）", "/dashboard/?fresh=1", None, "dashboard_fresh"),
        ("领导看板（一分钟内再次打开）", "/dashboard/", None, "dashboard"),
    ]


def measure_pages(data, warmup, samples, rows=None):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    User = get_user_model()
    head = User.objects.get(username=data["head"])
    superuser, _ = User.objects.get_or_create(
        username="bench-superuser",
        defaults={
            "is_superuser": True,
            "is_staff": True,
            "must_change_password": False,
            "password_changed_at": timezone.now(),
        },
    )
    ours, theirs = verified_client(head), verified_client(superuser)
    results = []
    for label, url, admin_url, kind, *who in page_targets(data):
        if rows and not any(text in label for text in rows):
            continue
        row = {"label": label, "url": url, "admin_url": admin_url, "kind": kind}
        mine = verified_client(User.objects.get(username=who[0])) if who else ours
        for key, client, address in (("ours", mine, url), ("admin", theirs, admin_url)):
            if address is not None:
                row[key] = measure_one(f"{label} {key}", client, address, warmup, samples)
        results.append(row)
    return results


def measure_one(label, client, address, warmup, samples):
    """One address through the full stack: its queries (the second call's), its slowest three, its size and time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    response = client.get(address)
    first = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{address} → {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(address)
    # Read them now: every request clears the connection's query log (request_started).
    count = len(queries)
    slowest = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries), reverse=True)[:3]
    # A page that takes many seconds is sampled a few times only (the figure is then plain enough).
    few = first > 5
    figures = timed(lambda: client.get(address), 0 if few else warmup, 3 if few else samples)
    figures["queries"], figures["slowest"] = count, slowest
    figures["bytes"] = len(response.content)
    log(f"{label}: 中位数 {figures['median']:.0f} ms, p95 {figures['p95']:.0f} ms, {figures['queries']} 次查询")
    return figures


# --- 2b. the API beside its pages --------------------------------------------------------------------------------

API_KINDS = ("api_list", "api_dashboard")  # scripts/bench/report.py TARGETS


def api_targets(data):
    """(label, API address, its page, kind) of the API's list endpoints, with the member unit whose reports are
    listed (the one with the most) and its liaison officer, who reads the page."""
    from django.db.models import Count

    from liaison.models import MemberUnit

    member = MemberUnit.objects.annotate(n=Count("reports")).order_by("-n", "id").select_related("unit").first()
    officer = member.officers().order_by("id").first()
    rows = [
        ("接口：本单位通报列表（联络员页面对照）", "/api/v1/liaison/reports/", "/liaison/", "api_list"),
        ("接口：监督态势统计（全省，今年；看板重新统计对照）", "/api/v1/stats/", "/dashboard/?fresh=1",
         "api_dashboard"),
    ]
    return member, officer, rows


def measure_api(data, warmup, samples):
    """The API's list endpoints timed as the pages are, each beside its page over the same data read by the page's
    user (a member unit's list: its liaison officer; statistics: the province section head on the dashboard). The
    two clients are issued, and every call audited, in a transaction rolled back at the end: the benchmark database
    keeps nothing of them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.test import Client

    from api import services
    from api.models import Scope
    from core import roles

    head = get_user_model().objects.get(username=data["head"])
    results = []
    with transaction.atomic():
        Group.objects.get_or_create(name=roles.SERVICE_ACCOUNT)  # exists once migrated; not in an older database
        member, officer, rows = api_targets(data)
        keys = {
            "api_list": services.create_client(actor=head, name="基准：成员单位", member_unit=member,
                                               scopes=[Scope.LIAISON_READ], rate_per_minute=6000)[1],
            "api_dashboard": services.create_client(actor=head, name="基准：监督科", scopes=[Scope.STATS_READ],
                                                    rate_per_minute=6000)[1],
        }
        readers = {"api_list": verified_client(officer), "api_dashboard": verified_client(head)}
        for label, url, page_url, kind in rows:
            caller = Client(HTTP_AUTHORIZATION=f"Bearer {keys[kind]}")
            results.append({"label": label, "url": url, "admin_url": page_url, "kind": kind,
                            "ours": measure_one(f"{label} 接口", caller, url, warmup, samples),
                            "admin": measure_one(f"{label} 页面", readers[kind], page_url, warmup, samples)})
        transaction.set_rollback(True)
    return results


# --- 3. workbook ---------------------------------------------------------------------------------------------------


def measure_workbook(data, samples):

    import xlsxwriter
    from openpyxl import load_workbook

    from dashboard import workbook

    month = datetime.date.fromisoformat(data["busiest_month"] + "-01")
    path = VAR / "monthly.xlsx"
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        workbook.write_monthly(month, str(path))
        times.append(time.perf_counter() - started)
    # Peak memory: the same workbook written by `manage.py export_monthly` in a process of its own (its peak RSS,
    # the interpreter and Django included, read from that child alone: RUSAGE_CHILDREN would be the largest of
    # every child so far, the data load included).
    child = subprocess.Popen([PYTHON, "manage.py", "export_monthly", "--month", data["busiest_month"], "--output",
                              str(path)], cwd=ROOT, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"export_monthly → {child.returncode}")
    peak = usage.ru_maxrss * 1024
    # The floor: the same cells (values only) written by xlsxwriter in constant-memory mode.
    book = load_workbook(path, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    cells = sum(len(row) for _title, rows in sheets for row in rows)
    floor_path = VAR / "floor.xlsx"
    floor = []
    for _ in range(samples):
        started = time.perf_counter()
        out = xlsxwriter.Workbook(str(floor_path), {"constant_memory": True})
        for title, rows in sheets:
            sheet = out.add_worksheet(title[:31])
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
        out.close()
        floor.append(time.perf_counter() - started)
    result = {
        "month": data["busiest_month"],
        "cells": cells,
        "median": statistics.median(times) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "peak_mb": peak / 1024 / 1024,
        "floor_median": statistics.median(floor) * 1000,
        "floor_p95": percentile(floor, 0.95) * 1000,
        "bytes": path.stat().st_size,
    }
    log(
        f"月度汇总表 {result['month']}：{result['median']:.0f} ms，峰值 {result['peak_mb']:.0f} MB；"
        f"xlsxwriter {result['floor_median']:.0f} ms（{cells} 个单元格）"
    )
    return result


# --- 4. deadline scan ----------------------------------------------------------------------------------------------

# What is due: the items every provider's own predicate selects, counted without recipients, titles or links (the
# floor the scan is compared to). Matters' certificate expiries (a 6-month window per jurisdiction) are left out.
BARE_SQL = """
SELECT
 (SELECT count(*) FROM petitions_petition WHERE status IN ('registered','proposed','investigating','on_hold',
   'transferred','reviewing','concluded') AND next_due <= %(until)s)
 + (SELECT count(*) FROM audits_finding WHERE rectification_status IN ('pending','in_progress')
   AND rectification_deadline <= %(until)s AND voided_at IS NULL)
 + (SELECT count(*) FROM cadres_supervisionmeasure WHERE kind = 'inquiry' AND replied_on IS NULL
   AND voided_at IS NULL AND reply_due <= %(until)s)
 + (SELECT count(*) FROM vetting_opinionrequest WHERE replied_on IS NULL AND reply_deadline <= %(until)s)
 + (SELECT count(*) FROM vetting_disciplineopinion WHERE replied_on IS NULL AND reply_deadline <= %(until)s)
 + (SELECT count(*) FROM vetting_appointment WHERE probation_result = '' AND probation_end <= %(until)s)
 + (SELECT count(*) FROM liaison_report WHERE kind = 'monthly' AND status IN ('draft','returned')
   AND due_date <= %(until)s)
 -- the other sources the scan reads (its providers' own predicates, no recipients, no text)
 + (SELECT count(*) FROM audits_audit WHERE status = 'in_progress' AND comments_received_on IS NULL
   AND comment_due <= %(until)s)
 + (SELECT count(*) FROM cadres_personalmattersreport WHERE submitted_on IS NULL AND due_on <= %(until)s)
 + (SELECT count(*) FROM vetting_publicity s JOIN vetting_vettingcase vc ON vc.id = s.case_id
   WHERE vc.status = 'publicity' AND s.end_date <= %(until)s)
 + (SELECT count(*) FROM liaison_meetingdecision WHERE status = 'open' AND deadline <= %(until)s)
 + (SELECT count(*) FROM cadres_cadre c WHERE %(annual_due)s AND c.reports_personal_matters AND c.status <> 'retired'
   AND NOT EXISTS (SELECT 1 FROM cadres_personalmattersreport p WHERE p.cadre_id = c.id AND p.year = %(year)s
                   AND p.kind = 'annual'))
 + (SELECT count(*) FROM matters_certificate WHERE status = 'awaiting' AND handover_due <= %(until)s)
 + (SELECT count(*) FROM matters_certificateloan WHERE returned_on IS NULL AND return_due <= %(until)s)
 + (SELECT count(*) FROM matters_reviewopinion WHERE replied_on IS NULL AND reply_due <= %(until)s)
 + (SELECT count(*) FROM matters_inspectionitem WHERE rectification_status IN ('pending','in_progress')
   AND rectification_deadline <= %(until)s AND voided_at IS NULL)
"""


def measure_scan(samples):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core import deadlines

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    created, next_created = {}, {}

    def scan():
        with transaction.atomic():
            created.update(deadlines.scan(today))
            transaction.set_rollback(True)  # every sample does the full work of a first daily run

    with CaptureQueriesContext(connection) as queries:
        scan()
    # The slowest statements (the providers' WITH … INSERT … SELECT), for EXPLAIN ANALYZE in a rolled-back transaction.
    slowest = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries
                      if "CREATE TEMPORARY" not in q["sql"]), reverse=True)[:3]
    # the relations the scan made temporary tables (core.deadlines._own_ctes): the EXPLAINs need them again
    shared = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("CREATE TEMPORARY TABLE")]
    inserting = sum(float(q["time"]) * 1000 for q in queries.captured_queries
                    if "INSERT INTO core_notification" in q["sql"])
    figures = timed(scan, 0, samples)
    # The usual day: yesterday's scan has run, so most reminders exist and are only probed; what is new is what
    # reached another level or came into the notice window. Only the second scan of each sample is timed.
    next_times = []
    for _ in range(samples):
        with transaction.atomic():
            deadlines.scan(today)
            started = time.perf_counter()
            next_created.update(deadlines.scan(tomorrow))
            next_times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    floor = _bare_count(today, samples)
    next_floor = _bare_count(tomorrow, samples)
    result = {
        "median": figures["median"],
        "p95": figures["p95"],
        "floor_median": floor["median"],
        "floor_p95": floor["p95"],
        "notifications": sum(created.values()),
        "due_rows": floor["due_rows"],
        "next_day": {"median": statistics.median(next_times), "p95": percentile(next_times, 0.95),
                     "notifications": sum(next_created.values()), "floor_median": next_floor["median"],
                     "due_rows": next_floor["due_rows"]},
        "samples": samples,
        "queries": len(queries),
        "slowest": slowest,
        "shared": shared,
        "insert_ms": inserting,
    }
    log(
        f"期限扫描：{result['median'] / 1000:.1f} s（{result['notifications']} 条提醒）；裸 SQL "
        f"{result['floor_median']:.0f} ms（{result['due_rows']} 项到期）；次日 {result['next_day']['median']:.0f} ms"
        f"（新增 {result['next_day']['notifications']} 条）"
    )
    return result


def _bare_count(day, samples):
    """The bare SQL's timing and count for `day` (BARE_SQL)."""
    from django.conf import settings
    from django.db import connection

    from cadres.models import CadreSettings
    from cadres.personal_matters import report_due_date
    from core import deadlines

    # The annual personal-matters report is due (31 January) from its notice window on, for the rest of the year:
    # then every cadre in scope without this year's report is an item the scan must consider.
    default, counties = CadreSettings.rows()
    annual_due = any(deadlines.level_for(report_due_date(day.year, row), day) is not None
                     for row in [default, *counties])
    params = {"until": day + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS), "year": day.year,
              "annual_due": annual_due}
    counted = []

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, params)
            counted.append(cursor.fetchone()[0])

    return {**timed(bare, 1, max(samples, 5)), "due_rows": counted[-1]}


# --- 5. throughput -------------------------------------------------------------------------------------------------


WORKER_COUNTS = (1, 2, 4)  # the scaling curve: one worker, one per core, two per core
CONNECTIONS = (4, 16)


def measure_throughput(data, seconds=20):
    """The cadre list under gunicorn with 1, 2 and 4 sync workers, each at 4 and 16 wrk connections."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    if not shutil.which("wrk"):  # installed by `make system-packages`
        return {"error": "wrk 不可用"}
    head = get_user_model().objects.get(username=data["head"])
    client = verified_client(head)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"http://127.0.0.1:{PORT}/cadres/?status=serving"
    runs = []
    for workers in WORKER_COUNTS:
        result = _throughput_with(workers, url, cookie, seconds)
        if "error" in result:
            return result
        runs.append(result)
    return {"runs": runs, "seconds": seconds, "url": url}


def _throughput_with(workers, url, cookie, seconds):
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", str(workers),
         "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    result = {"workers": workers}
    try:
        if not _wait_ready(url, cookie):
            return {"error": f"gunicorn（{workers} 个 worker）未就绪"}
        for connections in CONNECTIONS:
            result[str(connections)] = _wrk(url, cookie, connections, seconds)
            row = result[str(connections)]
            log(f"吞吐量（{workers} 个 worker，{connections} 并发）：{row['rps']:.1f} 请求/秒，"
                f"p50 {row['p50']}，p99 {row['p99']} {row['errors']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def _wait_ready(url, cookie):
    """Until the list answers 200 (workers booted, caches warm), at most a minute."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    for _ in range(60):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(1)
    return False


def _wrk(url, cookie, connections, seconds):
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    lines = out.stdout.splitlines()
    return {
        "rps": float(next(line.split()[1] for line in lines if line.startswith("Requests/sec"))),
        "errors": next((line.strip() for line in lines if "Non-2xx" in line or "Socket errors" in line), ""),
        "p50": next((line.split()[1] for line in lines if line.strip().startswith("50%")), ""),
        "p99": next((line.split()[1] for line in lines if line.strip().startswith("99%")), ""),
    }


PARTS = ("pages", "api", "workbook", "scan", "throughput")



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--only", help="只测这些部分（逗号分隔：pages,api,workbook,scan,throughput），其余沿用上次结果")
    parser.add_argument("--rows", help="pages 只测标签含这些文字的行（逗号分隔，如 廉政档案,信访举报列表）")
    args = parser.parse_args()
    data = prepare(args.scale, args.reseed, args.seed)
    setup_django()
    from scripts.bench import report

    parts = set(args.only.split(",")) if args.only else set(PARTS)
    saved = VAR / f"results-{args.scale}.json"
    results = json.loads(saved.read_text()) if args.only and saved.exists() else {}
    measuring = parts & set(PARTS)
    if measuring or not results:  # --only none: render the saved figures again (new notes, EXPLAIN)
        now = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
        results.update({"machine": machine(), "date": now,
                        "data": data, "scale": args.scale, "samples": args.samples, "warmup": args.warmup,
                        "load_before": os.getloadavg(), "sizes": report.table_sizes()})
    if "pages" in parts:
        measured = measure_pages(data, args.warmup, args.samples, args.rows.split(",") if args.rows else None)
        if args.rows:  # the other rows keep their last figures, in their place
            fresh = {row["label"]: row for row in measured}
            measured = [fresh.pop(row["label"], row) for row in results.get("pages", [])] + list(fresh.values())
        results["pages"] = measured
    if "api" in parts:
        results["api"] = measure_api(data, args.warmup, args.samples)
    # The API rows go in the pages' table, each beside its page.
    pages = [row for row in results.get("pages", []) if row["kind"] not in API_KINDS]
    results["pages"] = pages + results.get("api", [])
    if "workbook" in parts:
        results["workbook"] = measure_workbook(data, 3)
    if "scan" in parts:
        results["scan"] = measure_scan(3)
    if "throughput" in parts:
        results["throughput"] = measure_throughput(data)
    if measuring:
        results["load_after"] = os.getloadavg()
    results["explain"] = report.explains(results)
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    Path(args.output).write_text(report.markdown(results), encoding="utf-8")
    log(f"已写入 {args.output}")


if __name__ == "__main__":
    main()
