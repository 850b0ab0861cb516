from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain
from core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计日志哈希链（HMAC-SM3），报告被篡改、插入或删除的记录。"

    def handle(self, *args, **options):
        bad = verify_chain()
        total = AuditEvent.objects.count()
        if bad:
            shown = "、".join(str(pk) for pk in bad[:50]) + (" 等" if len(bad) > 50 else "")
            raise CommandError(f"审计日志校验失败：{len(bad)} 条记录与哈希链不符（编号 {shown}）")
        self.stdout.write(f"审计日志校验通过：共 {total} 条记录，哈希链完整。")
