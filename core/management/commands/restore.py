from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "把备份文件恢复到一个新建的数据库（默认 DATABASE_URL 中的库名，须尚不存在）及附件目录。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="make backup 生成的 .tar.gz 文件")
        parser.add_argument("--database", default=settings.DATABASES["default"]["NAME"],
                            help="目标数据库名（须不存在）")
        parser.add_argument("--media-root", default=str(settings.MEDIA_ROOT), help="附件恢复到的目录")

    def handle(self, *args, file, database, media_root, **options):
        try:
            restore(file, database, media_root)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已恢复到数据库 {database}，附件在 {media_root}。请运行 manage.py verify_audit_log 核对。")
