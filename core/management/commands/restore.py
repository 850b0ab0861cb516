from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("把备份文件恢复到数据库（默认 DATABASE_URL 中的库名）及附件目录：先恢复到临时库，与备份清单逐表核对、"
            "校验审计日志，全部一致后才改名就位；任何一步失败都删除临时库，目标库不受影响。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="make backup 生成的 .tar.gz 文件")
        parser.add_argument("--database", default=settings.DATABASES["default"]["NAME"],
                            help="目标数据库名（须不存在，除非 --replace）")
        parser.add_argument("--media-root", default=str(settings.MEDIA_ROOT), help="附件恢复到的目录")
        parser.add_argument("--replace", action="store_true",
                            help="目标库已存在时，核对通过后把它改名保留（*_before_restore_*），再把恢复的库改名就位")

    def handle(self, *args, file, database, media_root, replace, **options):
        try:
            aside = restore(file, database, media_root, replace=replace)
        except BackupError as error:
            raise CommandError(f"恢复失败，未做任何改动：{error}") from None
        if aside:
            self.stdout.write(f"原数据库已改名保留为 {aside}。")
        self.stdout.write(f"已恢复到数据库 {database}（与备份清单逐表一致，审计日志校验通过），附件在 {media_root}。")
