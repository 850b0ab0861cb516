"""What the background exports share (the dashboard's monthly workbook, the petitions list): their states, and what
their page asks while one runs (the status view's JSON, followed by static/js/app.js)."""

from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期"


class ExportJob:
    """Mixin of an export model with the fields status, progress, step, file, error and expires_at."""

    Status = ExportStatus

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
