from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计日志哈希链（HMAC-SM3）及其锚点，报告被篡改、插入或删除（含删除最新记录）的记录。"

    def handle(self, *args, **options):
        bad = audit.verify_chain()
        problems, latest = audit.check_anchors()
        if bad:
            shown = "、".join(str(pk) for pk in bad[:50]) + (" 等" if len(bad) > 50 else "")
            problems.insert(0, f"{len(bad)} 条记录与哈希链不符（编号 {shown}）")
        if problems:
            raise CommandError("审计日志校验失败：\n" + "\n".join(f"- {problem}" for problem in problems))
        total = AuditEvent.objects.count()
        self.stdout.write(f"审计日志校验通过：共 {total} 条记录，哈希链完整。")
        if latest is None:
            self.stdout.write(f"提示：{audit.anchor_file()} 中尚无锚点，无法判断最新的记录是否被删除"
                              "（锚点每日及每次备份时写入）。")
        else:
            self.stdout.write(f"与锚点一致：最新锚点 {latest.at} 记录到第 {latest.id} 条（{audit.anchor_file()}）。")
