"""The monthly workbook exports: who asked for which month, how far the task has come, and the file it wrote
(under MEDIA_ROOT/exports/, removed when it expires)."""


from django.db import models

from core.exports import ExportJob


class MonthlyExport(ExportJob):
    month = models.DateField("月份", help_text="月份的第一天")
    unit = models.ForeignKey("core.Unit", verbose_name="单位范围", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    kind = "dashboard-monthly"
    export_dir = "exports"

    class Meta:
        verbose_name = verbose_name_plural = "月度汇总表导出"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="%(app_label)s_%(class)s_month_first_day"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="%(app_label)s_%(class)s_progress"),
        ]
        indexes = [
            # serves the purge of expired files: expires_at <= now on rows not yet expired
            models.Index(fields=["expires_at"], condition=~models.Q(status="expired"),
                         name="dashboard_export_live_expiry"),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月}月度汇总表"

    @property
    def month_key(self):
        return f"{self.month:%Y-%m}"

    @property
    def filename(self):
        return f"月度联席会议汇总表_{self.month:%Y年%m月}.xlsx"
