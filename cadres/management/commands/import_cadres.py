from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadres import importer
from core.models import Unit, User


class Command(BaseCommand):
    help = "从 Excel 名册导入干部（按身份证号匹配：已有的更新，没有的新增）。任何一行有误则不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument("--user", help="记入审计日志的操作人用户名")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        with path.open("rb") as handle:
            plan = importer.parse(handle, Unit.objects.filter(is_active=True))
        if not plan.ok and not dry_run:
            importer.record_rejected(plan, actor=actor, filename=path.name)
        if plan.file_error:
            raise CommandError(plan.file_error)
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"共{len(plan.errors)}处错误，未导入任何数据")
        if dry_run:
            self.stdout.write(f"检查通过（未保存）：将新增{plan.creates}人，更新{plan.updates}人")
            return
        created, updated = importer.apply(plan, actor=actor, filename=path.name)
        self.stdout.write(self.style.SUCCESS(f"导入完成：新增{created}人，更新{updated}人"))
