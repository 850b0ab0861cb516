"""CPU per request of a few pages, in-process, beside the admin's: a figure the other processes on a shared machine
do not move the way they move wall time or wrk's requests per second (issue 18: the lighter request).

    .venv/bin/python scripts/bench/cpu.py [--requests 200] [--profile /cadres/] [--top 40] [--user NAME] [--pages A,B]

Uses the province data already in cs_scale (var/bench/seed-province.json must exist: this script never seeds) and
the benchmark's production settings, logged in as the province section head (admin pages as the bench superuser).
For each page: CPU seconds of this process per request (time.process_time: Python, templates, SQL compilation,
driver), the time spent waiting in the database driver, and the queries. --profile ADDRESS prints cProfile's
heaviest functions for that page instead.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench import run  # noqa: E402  (the path above first)


def _targets(data):
    """(label, our address, the admin's address) for the pages of issue 18 items 3 and 4."""
    targets = {label: (url, admin_url) for label, url, admin_url, _kind, *_who in run.page_targets(data)}
    wanted = ("干部列表（默认，全省）", "廉政档案（举报最多的干部）", "信访举报列表（剩余天数，默认）")
    rows = [(label, *targets[label]) for label in wanted]
    rows.insert(1, ("干部列表（在职，吞吐量所测）", "/cadres/?status=serving",
                    "/bench-admin/cadres/cadre/?status__exact=serving"))
    return rows


class SqlTimer:
    """Wall time inside the database driver (execute wrapper), and the number of statements."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def measure(client, address, requests):
    from django.db import connection

    for _ in range(5):  # warm: templates, compiled regexes, caches
        response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"{address} → {response.status_code}")
    cpu, wall, sql = [], [], []
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        for _ in range(requests):
            before_sql, started_cpu, started = timer.seconds, time.process_time(), time.perf_counter()
            client.get(address)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            sql.append(timer.seconds - before_sql)
    return {
        "cpu_ms": statistics.median(cpu) * 1000,
        "wall_ms": statistics.median(wall) * 1000,
        "sql_wait_ms": statistics.median(sql) * 1000,
        "queries": timer.count / requests,
    }


def profile(client, address, requests, top):
    for _ in range(5):
        client.get(address)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(address)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="cProfile this address (as the section head) instead of measuring")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--pages", help="measure these addresses instead of the province rows: comma-separated, each "
                        "optionally with its admin peer after a | (/cadres/|/bench-admin/cadres/cadre/)")
    parser.add_argument("--user", help="profile as this user (default: the province section head)")
    args = parser.parse_args()
    summary = run.VAR / "seed-province.json"
    data = json.loads(summary.read_text()) if summary.exists() else None
    if data is None and not ((args.profile or args.pages) and args.user):
        raise SystemExit(f"{summary} 不存在：先复制或生成省级数据（本脚本不生成数据）")
    run.setup_django()
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ours = run.verified_client(User.objects.get(username=args.user or data["head"]))
    if args.profile:
        profile(ours, args.profile, args.requests, args.top)
        return
    superuser = User.objects.filter(username="bench-superuser").first()
    theirs = run.verified_client(superuser) if superuser else None
    targets = _targets(data) if not args.pages else [
        (pair.split("|")[0], *pair.split("|"), None)[:3] for pair in args.pages.split(",")]
    for label, url, admin_url in targets:
        row = measure(ours, url, args.requests)
        line = (f"{label}: CPU {row['cpu_ms']:.1f} ms/请求（等待数据库 {row['sql_wait_ms']:.1f} ms，"
                f"墙钟 {row['wall_ms']:.1f} ms，{row['queries']:.0f} 次查询）")
        if theirs and admin_url:
            peer = measure(theirs, admin_url, args.requests)
            line += (f"；admin CPU {peer['cpu_ms']:.1f} ms（等待数据库 {peer['sql_wait_ms']:.1f} ms，"
                     f"墙钟 {peer['wall_ms']:.1f} ms，{peer['queries']:.0f} 次查询），"
                     f"CPU 比 {row['cpu_ms'] / peer['cpu_ms']:.2f}，墙钟比 {row['wall_ms'] / peer['wall_ms']:.2f}")
        print(line, flush=True)
    print(f"负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
