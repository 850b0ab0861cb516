"""Province-scale synthetic data for the benchmark (scripts/bench/scale), into the database of DATABASE_URL.

    .venv/bin/python scripts/bench/seed_scale.py --scale county|city|province [--seed N] [--today YYYY-MM-DD]

Loads realistic synthetic data in the proportions of a real office: cadres with position histories, petitions (named
informants' identities encrypted with the petitions app's helpers), vetting cases with their steps, audits with
findings, 20 member units × 60 months of reports, notifications and a hash-chained audit log. COPY into the tables
with their secondary indexes and unique/foreign-key constraints dropped, rebuilt afterwards. The same seed and date
give the same data. Each run adds a new unit tree (SC1, SC2, …) beside what is there.

A script beside the benchmark, not a management command: the generator reads every domain app, and the kernel (core)
may import none of them (the import contracts in pyproject.toml)."""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCALES = ("city", "county", "province")  # scripts.bench.scale.run.SCALES, before Django is set up


def _day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"基准日格式应为 YYYY-MM-DD：{text}") from None


def parse(argv):
    parser = argparse.ArgumentParser(description="生成大规模模拟数据（县/市/省级规模），用于性能测试")
    parser.add_argument("--scale", choices=SCALES, default="county")
    parser.add_argument("--factor", type=float, help="省级规模的比例（代替 --scale），如 0.001")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=_day, help="基准日（默认今天），YYYY-MM-DD")
    parser.add_argument("--audit-events", type=int, help="审计日志条数（默认按规模）")
    parser.add_argument("--no-chain", action="store_true", help="审计日志不计算哈希链（更快）")
    parser.add_argument("--summary", help="把结果（行数、用时、最忙月份）写入此 JSON 文件")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from scripts.bench.scale import run  # reads models: after setup

    result = run.seed(scale=None if args.factor else args.scale, factor=args.factor, seed=args.seed, today=args.today,
                      log=print, chain=not args.no_chain, audit_events=args.audit_events,
                      ddl_file="var/seed_scale_indexes.sql")
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as handle:
            json.dump({"scale": args.scale if not args.factor else f"factor {args.factor}",
                       "seconds": round(result.seconds, 1), "counts": result.counts,
                       "busiest_month": f"{result.busiest_month:%Y-%m}", "root": result.root_code,
                       "head": result.head_username, "seed": args.seed, "chain": not args.no_chain},
                      handle, ensure_ascii=False, indent=1)
    print(f"已生成 {result.tag}，共 {sum(result.counts.values())} 行，用时 {result.seconds:.0f} 秒")


if __name__ == "__main__":
    main()
