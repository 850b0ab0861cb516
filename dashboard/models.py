"""The monthly workbook exports: who asked for which month, how far the task has come, and the file it wrote
(under MEDIA_ROOT/exports/, removed when it expires)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.exports import ExportJob, ExportStatus


class MonthlyExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export is its requester's own: nobody else sees its progress or downloads its file."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now()).exclude(status=MonthlyExport.Status.EXPIRED)


class MonthlyExport(ExportJob, models.Model):
    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    month = models.DateField("月份", help_text="月份的第一天")
    unit = models.ForeignKey("core.Unit", verbose_name="单位范围", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField("状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=50, blank=True)
    file = models.CharField("文件（MEDIA_ROOT 下的相对路径）", max_length=200, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    error = models.CharField("错误信息", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("失效时间")

    objects = MonthlyExportQuerySet.as_manager()

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

    def get_absolute_url(self):
        return reverse("dashboard:export_detail", args=[self.code])

    @property
    def month_key(self):
        return f"{self.month:%Y-%m}"

    @property
    def filename(self):
        return f"月度联席会议汇总表_{self.month:%Y年%m月}.xlsx"
