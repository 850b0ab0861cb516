"""What the background exports share (the dashboard's monthly workbook, the petitions list): their states, what
their page asks while one runs (the status view's JSON, followed by static/js/app.js), and how a run survives a
worker killed as a whole (issue 22): each run claims the job with a new attempt number and writes a heartbeat with
its progress; a job whose heartbeat stopped is queued again (requeue_stale) and the *.part files it left removed."""

import datetime
import glob
import logging
import os
import uuid

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import outbox

logger = logging.getLogger(__name__)

# A job interrupted this many times is failed rather than queued again (an export that kills its worker each time).
MAX_ATTEMPTS = 3


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
    attempt = models.PositiveSmallIntegerField("生成次数", default=0)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True, help_text="生成中的任务随进度更新")

    # The Celery task (by name) that builds one job from its id, and the directory under MEDIA_ROOT of its files.
    build_task = ""
    export_dir = ""

    class Meta:
        abstract = True

    @property
    def is_finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def is_downloadable(self):
        """Done, not expired, and the file is really there: only then does the page offer the link (issue 20)."""
        return (self.status == ExportStatus.DONE and self.expires_at > timezone.now() and bool(self.file)
                and os.path.isfile(os.path.join(settings.MEDIA_ROOT, self.file)))

    def download_url(self):
        return reverse(f"{self._meta.app_label}:export_download", args=[self.code])

    def progress_state(self):
        """What the export page polls for (a [data-export-status-url] card)."""
        downloadable = self.is_downloadable
        return {"status": self.status, "status_label": self.get_status_display(), "progress": self.progress,
                "step": self.step, "finished": self.is_finished, "downloadable": downloadable,
                "download_url": self.download_url() if downloadable else "", "error": self.error,
                "failed": self.status == ExportStatus.FAILED}


def heartbeat_timeout():
    return datetime.timedelta(seconds=settings.EXPORT_HEARTBEAT_TIMEOUT)


def _stale(now):
    """Running, but no sign of life for longer than the heartbeat timeout (or none at all)."""
    cutoff = now - heartbeat_timeout()
    return Q(status=ExportStatus.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True))


class Run:
    """One attempt at building a job. Its writes are fenced by the attempt number: a run taken for dead and
    replaced can no longer change the row, so the job finishes once."""

    def __init__(self, model, pk, attempt):
        self.model, self.pk, self.attempt = model, pk, attempt

    @classmethod
    def claim(cls, model, pk):
        """Start a pending job, or take over one whose run died. None when there is nothing to do (done, failed,
        or running with a live heartbeat: a second delivery of the same task)."""
        now = timezone.now()
        with transaction.atomic():
            job = (model.objects.select_for_update().filter(Q(status=ExportStatus.PENDING) | _stale(now), pk=pk)
                   .only("pk", "attempt").first())
            if job is None:
                return None
            model.objects.filter(pk=pk).update(status=ExportStatus.RUNNING, attempt=job.attempt + 1, heartbeat_at=now,
                                               started_at=now, progress=0, step="准备中", error="")
        return cls(model, pk, job.attempt + 1)

    def update(self, **fields):
        """Write on the row (with a heartbeat) if this run still owns it. Returns whether it did."""
        return bool(self.model.objects.filter(pk=self.pk, attempt=self.attempt, status=ExportStatus.RUNNING)
                    .update(heartbeat_at=timezone.now(), **fields))

    def progress(self, percent, step):
        self.update(progress=min(percent, 99), step=step[:50])

    def done(self, path):
        return self.update(status=ExportStatus.DONE, progress=100, step="已完成",
                           file=os.path.relpath(path, settings.MEDIA_ROOT), size=os.path.getsize(path),
                           finished_at=timezone.now())

    def fail(self, error):
        return self.update(status=ExportStatus.FAILED, error=error[:300], finished_at=timezone.now())


def export_models():
    return [model for model in apps.get_models() if issubclass(model, ExportJob)]


def requeue_stale(now=None):
    """Queue again (through the outbox) each job whose run stopped beating; fail one interrupted MAX_ATTEMPTS
    times. Then remove the *.part files no live run is writing. Returns how many were queued again."""
    now = now or timezone.now()
    requeued = 0
    for model in export_models():
        for pk in model.objects.filter(_stale(now)).values_list("pk", flat=True):
            requeued += _requeue(model, pk, now)
    remove_parts(now)
    return requeued


@transaction.atomic
def _requeue(model, pk, now):
    job = model.objects.select_for_update().filter(_stale(now), pk=pk).only("pk", "attempt", "code").first()
    if job is None:
        return 0
    if job.attempt >= MAX_ATTEMPTS:
        model.objects.filter(pk=pk).update(status=ExportStatus.FAILED, finished_at=now,
                                           error="生成多次中断，请点击“重试”或联系系统管理员")
        logger.error("导出 %s 生成%s次均中断，已置为失败", job.code, job.attempt)
        return 0
    model.objects.filter(pk=pk).update(status=ExportStatus.PENDING, progress=0, step="任务中断，重新排队")
    outbox.publish(model.build_task, pk)
    logger.warning("导出 %s 的生成任务心跳中断，已重新排队", job.code)
    return 1


def remove_parts(now=None):
    """Delete the *.part files of runs that died. A file is kept while a run of that kind is alive, unless it is
    older than the task time limit (no run lasts longer). Returns how many were removed."""
    now = now or timezone.now()
    oldest = now.timestamp() - settings.CELERY_TASK_TIME_LIMIT
    removed = 0
    for model in export_models():
        alive = model.objects.filter(status=ExportStatus.RUNNING).exclude(_stale(now)).exists()
        for path in glob.glob(os.path.join(settings.MEDIA_ROOT, model.export_dir, "*.part")):
            try:
                if alive and os.path.getmtime(path) > oldest:
                    continue
                os.unlink(path)
                removed += 1
            except FileNotFoundError:  # renamed into place or removed meanwhile
                pass
    return removed
