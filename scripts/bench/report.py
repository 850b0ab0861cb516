"""Turns the benchmark results into docs/benchmarks.md: machine, date, data size, the table, EXPLAIN notes."""

import math
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.db import connection, transaction

from cadres.filters import search
from cadres.models import Cadre

# Targets of issue 11 (2-core machine, province scale), in milliseconds unless said otherwise; the fresh board's is
# issue 18's (from pre-aggregates). The API's rows (run.py API_KINDS): the page's target, and no slower than the page.
TARGETS = {"list": 200, "profile": 200, "search": 50, "dashboard": 500, "dashboard_fresh": 300, "api_list": 200,
           "api_dashboard": 500, "global_search": 200}
SIZE_TABLES = [
    "core_unit",
    "core_user",
    "cadres_cadre",
    "cadres_positionhistory",
    "cadres_annualassessment",
    "cadres_supervisionmeasure",
    "petitions_petition",
    "petitions_reporteridentity",
    "petitions_petitionevent",
    "vetting_vettingcase",
    "vetting_stepevent",
    "audits_audit",
    "audits_finding",
    "liaison_report",
    "liaison_reportitem",
    "core_notification",
    "core_auditevent",
]


def table_sizes():
    sizes = {}
    with connection.cursor() as cursor:
        for table in SIZE_TABLES:
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")  # noqa: S608
            rows, size = cursor.fetchone()
            sizes[table] = {"rows": rows, "mb": size / 1024 / 1024}
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes["_database_mb"] = cursor.fetchone()[0] / 1024 / 1024
    return sizes


def explain(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) {sql}", params)
        return [line for (line,) in cursor.fetchall()]


def _search_explains(results):
    """The index's own justification: the cadre list's name search (its count query), as the filter builds it."""
    out = []
    for page in results.get("pages", []):
        if page["kind"] != "search":
            continue
        value = parse_qs(urlsplit(page["url"]).query)["q"][0]
        queryset = search(Cadre.objects.all(), value).order_by()
        sql, params = queryset.values("pk").query.sql_with_params()
        out.append({"page": f"索引依据：{page['label']}（q={value}）", "ms": 0, "sql": sql % tuple(
            f"'{p}'" for p in params), "plan": explain(sql, params)})
    return out


def explains(results):
    """EXPLAIN ANALYZE of the slowest statement of each page and of the deadline scan."""
    out = _search_explains(results)
    for page in results.get("pages", []):
        slowest = page.get("ours", {}).get("slowest") or []
        for ms, sql in slowest[:1]:
            if sql.lstrip().upper().startswith("SELECT"):
                out.append({"page": page["label"], "ms": ms, "sql": sql, "plan": explain(sql)})
    scan = results.get("scan", {})
    for ms, sql in scan.get("slowest", [])[:3]:
        with transaction.atomic():  # the providers' statements insert the reminders they select
            with connection.cursor() as cursor:
                for statement in scan.get("shared", []):  # the temporary tables they read
                    cursor.execute(statement)
            out.append({"page": "期限扫描（当天首次）", "ms": ms, "sql": sql, "plan": explain(sql)})
            transaction.set_rollback(True)
    return out


def _ms(value):
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _verdict(ok):
    return "✅" if ok else "❌"


def _scan_ok(row):
    return row["median"] < 3000 and row["median"] <= 10 * row["floor_median"]


def _scan_row(label, row, queries):
    ratio = row["median"] / row["floor_median"]
    return (f"| {label} | {_ms(row['median'])} | {_ms(row['p95'])} | {queries} | {row['notifications']:,} | "
            f"{_ms(row['floor_median'])} | {row['due_rows']:,} | {ratio:.1f} | < 3 s 且 ≤ 10× | "
            f"{_verdict(_scan_ok(row))} |")


def markdown(results):
    m, data = results["machine"], results["data"]
    lines = [
        "# 性能基准（issue 11）",
        "",
        "由 `make bench`（scripts/bench/run.py）生成，请勿手工修改数字；原因与说明的文字在 scripts/bench/notes.toml。",
        "",
        f"- 机器：{m['cpu']}，{m['cores']} 核，内存 {m['memory']}；{m['os']}；Python {m['python']}",
        f"- 日期：{results['date']}；运行前/后 1 分钟平均负载 {results.get('load_before', [0])[0]:.1f} / "
        f"{results.get('load_after', [0])[0]:.1f}",
        f"- 数据：`scripts/bench/seed_scale.py --scale {results['scale']} --seed {data.get('seed')}`，装载用时 "
        f"**{data['seconds'] / 60:.1f} 分钟**（目标 15 分钟以内：{_verdict(data['seconds'] < 900)}），"
        f"审计日志哈希链：{'已计算' if data.get('chain') else '未计算'}；"
        f"数据库 {results['sizes']['_database_mb']:,.0f} MB",
        f"- 采样：每个页面预热 {results['warmup']} 次后取 {results['samples']} 次，"
        "报告中位数与第 95 百分位（p95），毫秒；页面经完整中间件栈（Django 测试客户端，生产设置 DEBUG=false）。",
        "",
        "## 数据规模",
        "",
        "| 表 | 行数 | 大小（MB，含索引） |",
        "|---|---:|---:|",
    ]
    for table, size in results["sizes"].items():
        if not table.startswith("_"):
            lines.append(f"| {table} | {size['rows']:,} | {size['mb']:,.0f} |")
    lines += [
        "",
        "## 页面与 Django admin 对照",
        "",
        "对照组：同一模型的 Django admin 列表（或修改页），相同每页条数与筛选，超级用户登录（只在基准库中创建）。"
        "比值 = 本系统 p95 / admin p95。",
        "",
        "| 页面 | 中位数 | p95 | 查询数 | admin 中位数 | admin p95 | admin 查询数 | 比值 | 目标 | 达标 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for page in results.get("pages", []):
        ours, admin = page["ours"], page.get("admin")
        target = TARGETS[page["kind"]]
        ratio = ours["p95"] / admin["p95"] if admin else None
        ok = ours["p95"] < target and (ratio is None or ratio <= 1.0)
        target_text = f"p95 < {target} ms" + ("，且 ≤ admin" if admin else "")
        lines.append(
            f"| {page['label']} | {_ms(ours['median'])} | {_ms(ours['p95'])} | {ours['queries']} | "
            + (
                f"{_ms(admin['median'])} | {_ms(admin['p95'])} | {admin['queries']} | {ratio:.2f} | "
                if admin
                else "— | — | — | — | "
            )
            + f"{target_text} | {_verdict(ok)} |"
        )
    wb = results.get("workbook") or {"month": "未测", "cells": 0, "bytes": 0, "median": 0, "p95": 0, "peak_mb": 0,
                                     "floor_median": 1}
    ratio = wb["median"] / wb["floor_median"]
    lines += [
        "",
        "## 月度联席会议汇总表（最忙的月份）",
        "",
        "| 项目 | 中位数 | p95 | 峰值内存 | 对照（xlsxwriter constant_memory，同样的单元格） | 比值 | 目标 | 达标 |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        f"| {wb['month']} 汇总表（{wb['cells']:,} 个单元格，{wb['bytes'] / 1024:,.0f} KB） | {_ms(wb['median'])} | "
        f"{_ms(wb['p95'])} | {wb['peak_mb']:.0f} MB | {_ms(wb['floor_median'])} | {ratio:.2f} | ≤ 2× 且 < 300 MB | "
        f"{_verdict(ratio <= 2 and wb['peak_mb'] < 300)} |",
    ]
    sc = results.get("scan") or {"median": 0, "p95": 0, "queries": 0, "notifications": 0, "floor_median": 1,
                                 "due_rows": 0}
    lines += [
        "",
        "## 期限扫描（全部数据）",
        "",
        "每次扫描在事务中执行后回滚。“当天首次扫描”：提醒表里没有今天的任何提醒，到期事项的提醒全部新写入"
        "（上线第一天或积压后的情形）。“次日扫描”：先扫描今天，再扫描明天，只计第二次的时间——前一天的提醒已在，"
        "只探查唯一键，新写入的只是换了级别或新进入提示期的（每天 Celery beat 的常态）。",
        "对照：一条裸 SQL 按各提醒规则自己的条件统计同一天到期（含提示期）的事项数（不含接收人、标题和链接，不写入）。"
        + (f"首次扫描中写入提醒的语句共 {sc['insert_ms'] / 1000:.1f} s。" if sc.get("insert_ms") else ""),
        "",
        "| 项目 | 中位数 | p95 | 查询数 | 生成提醒 | 裸 SQL 中位数 | 到期事项 | 比值 | 目标 | 达标 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        _scan_row("core.deadlines.scan（当天首次扫描）", sc, sc["queries"]),
    ]
    if sc.get("next_day"):
        lines.append(_scan_row("core.deadlines.scan（次日扫描）", sc["next_day"], sc["queries"]))
    lines += _throughput(results.get("throughput") or {"error": "未测"})
    lines += ["", "## 未达标项及原因", ""] + _misses(results)
    lines += ["", "## 说明", ""] + NOTES
    lines += ["", "## EXPLAIN（姓名查询的索引依据；每个页面最慢的一条查询；期限扫描最慢的三条）", ""]
    for item in results["explain"]:
        timing = f"（{item['ms']:.1f} ms）" if item["ms"] else ""
        lines += [f"### {item['page']}{timing}", "", "```sql", item["sql"][:1500], "```", "", "```"]
        lines += [line if len(line) <= 300 else line[:300] + " …" for line in item["plan"][:40]]
        lines += ["```", ""]
    return "\n".join(lines) + "\n"


def _throughput(tp):
    """The cadre list under gunicorn: one row per worker count and number of connections (the scaling curve)."""
    lines = ["", "## 吞吐量：干部列表（gunicorn 同步 worker，本机回环，wrk）", ""]
    if "error" in tp:
        return lines + [f"未测：{tp['error']}"]
    runs = tp.get("runs") or [tp]  # results saved before the 1/2/4-worker curve: one run
    lines += [
        f"`/cadres/?status=serving`，已登录会话，每轮 {tp.get('seconds', 20)} 秒。"
        "目标：≥ 60 请求/秒，16 个并发连接时 p99 < 300 ms（两核）。",
        "",
        "| worker 数 | 并发连接 | 请求/秒 | 延迟 p50 | 延迟 p99 | 错误 | 达标 |",
        "|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        for key, value in run.items():
            if isinstance(value, dict):
                met = value["rps"] >= 60 and (str(key) != "16" or _seconds(value["p99"]) < 0.3)
                lines.append(f"| {run['workers']} | {key} | {value['rps']:.1f} | {value['p50']} | {value['p99']} | "
                             f"{value['errors'] or '无'} | {_verdict(met)} |")
    return lines


def _seconds(text):
    """wrk's latency ("276.42ms", "1.63s", "950.00us") in seconds; unreadable counts as too slow."""
    for suffix, factor in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0)):
        if text.endswith(suffix):
            try:
                return float(text[: -len(suffix)]) * factor
            except ValueError:
                break
    return math.inf


def _misses(results):
    out = []
    for page in results.get("pages", []):
        ours, admin = page["ours"], page.get("admin")
        target = TARGETS[page["kind"]]
        slow, behind = ours["p95"] >= target, admin is not None and ours["p95"] > admin["p95"]
        if slow or behind:
            what = "、".join(text for flag, text in ((slow, f"p95 {ours['p95']:.0f} ms ≥ {target} ms"),
                                                    (behind, "慢于 admin")) if flag)
            reason = next((text for key, text in REASONS.items() if page["label"].startswith(key)), "")
            out.append(f"- **{page['label']}**（{what}）：{reason}")
    wb = results.get("workbook")
    if wb and (wb["median"] > 2 * wb["floor_median"] or wb["peak_mb"] >= 300):
        out.append(f"- **月度汇总表**（{wb['median'] / wb['floor_median']:.0f} 倍于对照）：{REASONS['月度汇总表']}")
    sc = results.get("scan")
    if sc and not (_scan_ok(sc) and _scan_ok(sc.get("next_day", sc))):
        ratios = "、".join(f"{label} {row['median'] / row['floor_median']:.1f} 倍" for label, row in
                           (("首次", sc), ("次日", sc.get("next_day"))) if row)
        out.append(f"- **期限扫描**（裸 SQL 的 {ratios}）：{REASONS['期限扫描']}")
    return out or ["全部达标。"]


_NOTES = tomllib.loads((Path(__file__).with_name("notes.toml")).read_text(encoding="utf-8"))
REASONS, NOTES = _NOTES["reasons"], _NOTES["notes"]
