from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 压缩格式）、附件和签名清单，写成一个带时间戳的 .tar.gz 文件，并写入审计日志锚点。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.BASE_DIR / "var" / "backups"), help="输出目录")

    def handle(self, *args, output, **options):
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"备份完成：{path}（清单 manifest.json 在包内；审计日志锚点已写入 {audit.anchor_file()}）")
