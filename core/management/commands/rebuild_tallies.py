import time

from django.core.management.base import BaseCommand, CommandError

from core import tallies


class Command(BaseCommand):
    help = "重新计算领导看板的统计汇总（与每晚的定时任务相同）；可只算指定来源。"

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help=f"来源，默认全部：{'、'.join(tallies.sources())}")

    def handle(self, *args, **options):
        names = options["sources"] or list(tallies.sources())
        unknown = [name for name in names if name not in tallies.sources()]
        if unknown:
            raise CommandError(f"没有这个统计来源：{'、'.join(unknown)}（可选：{'、'.join(tallies.sources())}）")
        for name in names:
            started = time.monotonic()
            rows = tallies.rebuild(name)
            self.stdout.write(f"{name}: {rows} 行，用时 {time.monotonic() - started:.1f} 秒")
        tallies.analyze()
