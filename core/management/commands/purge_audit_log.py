import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent

MINIMUM_RETENTION_DAYS = 180  # 等保三级: audit records are kept at least six months


class Command(BaseCommand):
    help = "删除早于指定日期的审计日志（至少保留 180 天）。须以数据库属主身份运行；删除本身记入日志。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="删除此日期（YYYY-MM-DD）之前的记录")

    def handle(self, *args, **options):
        try:
            before = datetime.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['before']}") from None
        retention = max(settings.AUDIT_LOG_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)
        latest_allowed = timezone.localdate() - datetime.timedelta(days=retention)
        if before > latest_allowed:
            raise CommandError(f"审计日志至少保留 {retention} 天：只能删除 {latest_allowed:%Y-%m-%d} 之前的记录")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL core.audit_purge = 'on'")
            cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
            deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
            audit.record(None, audit.Action.DELETE, "core.auditlog.purged", username="system",
                         summary=f"清理 {before:%Y-%m-%d} 之前的审计日志 {deleted} 条")
        self.stdout.write(f"已删除 {deleted} 条早于 {before:%Y-%m-%d} 的审计日志。")
