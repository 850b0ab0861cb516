"""What the background exports share (the dashboard's monthly workbook, the petitions list): their states, and what
their page asks while one runs (the status view's JSON, followed by static/js/app.js)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期"


class ExportJob(models.Model):
    """An export built by a Celery task for the user who asked, its file under MEDIA_ROOT until it expires."""

    Status = ExportStatus

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
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

    class Meta:
        abstract = True

    @property
    def is_finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def is_downloadable(self):
        return self.status == ExportStatus.DONE and self.expires_at > timezone.now() and bool(self.file)

    def progress_state(self):
        """What the export page polls for (a [data-export-status-url] card)."""
        return {"status": self.status, "status_label": self.get_status_display(), "progress": self.progress,
                "step": self.step, "finished": self.is_finished, "downloadable": self.is_downloadable,
                "error": self.error}
