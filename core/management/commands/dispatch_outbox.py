from django.core.management.base import BaseCommand
from django.utils import timezone

from core import exports, outbox
from core.outbox import OutboxMessage


class Command(BaseCommand):
    help = "发送待发送任务（与每30秒的定时任务相同），重新排队心跳中断的导出；输出积压情况。"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="不等退避时间，立即重试全部待发送任务（代理恢复后）")

    def handle(self, *args, **options):
        if options["now"]:
            OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).update(next_attempt_at=timezone.now())
        sent, failed = outbox.dispatch()
        requeued = exports.requeue_stale()
        backlog = outbox.backlog()
        self.stdout.write(f"已发送 {sent} 个，发送失败 {failed} 个，重新排队导出 {requeued} 个")
        oldest = ""
        if backlog["oldest"]:
            oldest = f"，最早的创建于 {timezone.localtime(backlog['oldest']):%Y-%m-%d %H:%M:%S}"
        self.stdout.write(f"仍待发送 {backlog['pending']} 个{oldest}")
