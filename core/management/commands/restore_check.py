from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_check


class Command(BaseCommand):
    help = "恢复演练：把备份恢复到一次性数据库，与备份清单逐表核对并校验审计日志，打印对照结果后删除该库。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="make backup 生成的 .tar.gz 文件")

    def handle(self, *args, file, **options):
        try:
            comparison = restore_check(file)
        except BackupError as error:
            raise CommandError(f"恢复演练失败：{error}") from None
        for line in comparison.lines():
            self.stdout.write(line)
        if comparison.problems:
            raise CommandError("恢复演练失败：\n" + "\n".join(f"- {problem}" for problem in comparison.problems))
        self.stdout.write(f"恢复演练通过：{len(comparison.tables)} 张表的行数和校验和、索引、约束、触发器、序列"
                          "与清单一致，审计日志哈希链完整且含备份时的链头；临时库已删除。")
