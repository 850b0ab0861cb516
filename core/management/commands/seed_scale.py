"""manage.py seed_scale --scale county|city|province [--seed N] [--today YYYY-MM-DD]

Loads realistic synthetic data in the proportions of a real office (see core/scale): cadres with position histories,
petitions (named informants' identities encrypted with the petitions app's helpers), vetting cases with their steps,
audits with findings, 20 member units × 60 months of reports, notifications and a hash-chained audit log. COPY into
the tables with their secondary indexes and unique/foreign-key constraints dropped, rebuilt afterwards. The same seed
and date give the same data. Each run adds a new unit tree (SC1, SC2, …) beside what is there."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from core.scale import run


class Command(BaseCommand):
    help = "生成大规模模拟数据（县/市/省级规模），用于性能测试"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(run.SCALES), default="county")
        parser.add_argument("--factor", type=float, help="省级规模的比例（代替 --scale），如 0.001")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", help="基准日（默认今天），YYYY-MM-DD")
        parser.add_argument("--audit-events", type=int, help="审计日志条数（默认按规模）")
        parser.add_argument("--no-chain", action="store_true", help="审计日志不计算哈希链（更快）")
        parser.add_argument("--summary", help="把结果（行数、用时、最忙月份）写入此 JSON 文件")

    def handle(self, *args, scale, factor=None, seed=2026, today=None, audit_events=None, no_chain=False,
               summary=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"基准日格式应为 YYYY-MM-DD：{today}") from None
        result = run.seed(scale=None if factor else scale, factor=factor, seed=seed, today=day,
                      log=lambda text: self.stdout.write(text), chain=not no_chain, audit_events=audit_events,
                      ddl_file="var/seed_scale_indexes.sql")
        if summary:
            with open(summary, "w", encoding="utf-8") as handle:
                json.dump({"scale": scale if not factor else f"factor {factor}", "seconds": round(result.seconds, 1),
                           "counts": result.counts, "busiest_month": f"{result.busiest_month:%Y-%m}",
                           "root": result.root_code, "head": result.head_username, "seed": seed,
                           "chain": not no_chain}, handle, ensure_ascii=False, indent=1)
        self.stdout.write(self.style.SUCCESS(f"已生成 {result.tag}，共 {sum(result.counts.values())} 行，"
                                             f"用时 {result.seconds:.0f} 秒"))
