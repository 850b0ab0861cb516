"""manage.py export_monthly --month 2026-10 --output 汇总表.xlsx [--user head01] [--unit QX-JW]

Writes the monthly joint-meeting workbook with the same code as the dashboard's download button. Without --user
the whole database is counted (run by the operators); with it, exactly what that user may see. Logged."""

from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.models import Unit, User
from dashboard import permissions, services, workbook


class Command(BaseCommand):
    help = "导出月度联席会议汇总表（Excel）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份，如 2026-10")
        parser.add_argument("--output", required=True, help="输出文件路径（.xlsx）")
        parser.add_argument("--user", help="按该用户的可见范围统计（用户名），封面的制表单位为其所在单位")
        parser.add_argument("--unit", help="只统计该单位及其下级单位（单位代码）")
        parser.add_argument("--producer", help="封面上的制表单位（默认：导出用户所在单位，或“干部监督科”）")

    def handle(self, *args, month, output, user=None, unit=None, producer=None, **options):
        first = workbook.parse_month(month)
        if first is None:
            raise CommandError(f"月份格式应为 YYYY-MM：{month}")
        account = None
        if user:
            account = User.objects.select_related("unit", "jurisdiction").filter(username=user).first()
            if account is None:
                raise CommandError(f"没有用户 {user}")
            if not permissions.can_export(account):
                raise CommandError(f"用户 {user} 不是科室负责人或部领导，不能导出汇总表")
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"没有单位代码 {unit}")

        def progress(percent, step):
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"{percent:3d}% {step}")

        board = workbook.write_monthly(first, output, user=account, unit=scope,
                                       producer=producer or services.producer_for(account), progress=progress)
        audit.record(account, audit.Action.EXPORT, "dashboard.monthly.exported", username="manage.py",
                     summary=f"命令行导出{first.year}年{first.month}月月度联席会议汇总表",
                     changes={"month": f"{first:%Y-%m}", "unit": unit, "output": str(output)})
        figures = "，".join(f"{figure.label}{figure.display}" for figure in board.headline()[:4])
        self.stdout.write(self.style.SUCCESS(f"已导出 {output}（{figures}…）"))
