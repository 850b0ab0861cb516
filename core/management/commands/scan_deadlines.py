import datetime

from django.core.management.base import BaseCommand, CommandError

from core import deadlines


class Command(BaseCommand):
    help = "运行到期扫描（与每日 08:00 的定时任务相同），输出按类别新建的提醒数量。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="扫描日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        on_date = None
        if options["date"]:
            try:
                on_date = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        created = deadlines.scan(on_date)
        for kind, count in sorted(created.items()):
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"共新建提醒 {sum(created.values())} 条")
