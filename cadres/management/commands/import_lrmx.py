from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadres.lrmx import importing, parse
from cadres.models import Rank
from core.models import Unit, User

SUFFIXES = (*parse.FILE_SUFFIXES, ".zip")


def _files(paths):
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise CommandError(f"文件不存在：{given}")


class Command(BaseCommand):
    help = ("导入干部任免审批表（.lrmx 文件、其 zip 压缩包或含这些文件的目录）：按身份证号匹配，"
            "已有的更新，没有的新增。任何一个文件有误则整批不导入，除非指定 --only-good。")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".lrmx / .xml / .zip 文件或目录")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument("--only-good", action="store_true", help="只导入无误的文件")
        parser.add_argument("--unit", help="新增干部的单位代码（现任职务中找不到单位名称时使用）")
        parser.add_argument("--rank", help="新增干部的职级，如 正科、副处（任免审批表中没有职级）")
        parser.add_argument("--user", help="记入审计日志的操作人用户名")

    def handle(self, *args, paths, dry_run=False, only_good=False, unit=None, rank=None, user=None, **options):
        actor = self._user(user)
        default_unit = None
        if unit:
            default_unit = Unit.objects.filter(code=unit, is_active=True).first()
            if default_unit is None:
                raise CommandError(f"单位不存在：{unit}")
        default_rank = ""
        if rank:
            default_rank = next((code for code, label in Rank.choices if rank in (code, label)), "")
            if not default_rank:
                raise CommandError(f"职级无效：{rank}，可填：{'、'.join(Rank.labels)}")
        sources = []
        for path in _files(paths):
            sources += parse.open_upload_path(path.name, path)
        if not sources:
            raise CommandError("没有找到 .lrmx 文件")
        batch = importing.plan(sources, units=Unit.objects.filter(is_active=True), default_unit=default_unit,
                               default_rank=default_rank)
        self._report(batch)
        if dry_run:
            self.stdout.write(f"检查完毕（未保存）：可新增{batch.creates}人，更新{batch.updates}人，"
                              f"{len(batch.bad)}个文件有误")
            return
        if batch.bad and not only_good:
            importing.record_rejected(batch, actor=actor, outcome="未通过检查，整批未导入")
        try:
            created, updated = importing.apply(batch, actor=actor, only_good=only_good)
        except importing.ImportFailed as error:
            raise CommandError(str(error)) from None
        skipped = f"，{len(batch.bad)}个文件未导入" if batch.bad else ""
        self.stdout.write(self.style.SUCCESS(f"导入完成：新增{created}人，更新{updated}人{skipped}"))

    def _user(self, username):
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"用户不存在：{username}")
        return actor

    def _report(self, batch):
        for plan in batch.files:
            if not plan.ok:
                self.stderr.write(plan.error)
                continue
            what = "无变化" if plan.unchanged else f"{plan.action} {plan.person.name}"
            self.stdout.write(f"{plan.name}：{what}")
            for change in plan.changes:
                self.stdout.write(f"  {change.label}：{change.old} → {change.new}")
            for note in plan.person.notes:
                self.stdout.write(f"  简历保留为文字：{note.text}（{note.reason}）")
            if plan.person.unknown:
                self.stdout.write(f"  未识别的标签（已忽略）：{'、'.join(plan.person.unknown)}")
            for note in plan.notes:
                self.stdout.write(f"  请核实：{note}")
