import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core import workdays


class Command(BaseCommand):
    help = ("按现行节假日安排和时限规则重算所有尚未届满的期限（升级后规则变化时运行一次，如法定节假日顺延），"
            "输出被调整的期限；承办人会收到提醒。")

    def add_arguments(self, parser):
        parser.add_argument("--since", help="重算期限在此日期及以后的事项 YYYY-MM-DD，默认今天")
        parser.add_argument("--no-notify", action="store_true", help="不向承办人发送期限调整提醒")

    def handle(self, *args, **options):
        since = timezone.localdate()
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['since']}") from None
        # Any start date (up to a century ahead): every row whose stored deadline is on or after `since`.
        until = since.replace(year=since.year + 100)
        with transaction.atomic():
            moves = workdays.recompute_range(since, until, notify=not options["no_notify"])
        for move in moves:
            self.stdout.write(str(move))
        self.stdout.write(f"共调整期限 {len(moves)} 项")
