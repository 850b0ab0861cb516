"""Background exports, one lifecycle for all (issue 17): an app registers a kind (`register_export`) giving only who
may export it, its rows and its sheet layout (or, for a workbook of its own such as the dashboard's monthly one, a
`write` function); this module does the rest: the request (an audit event, the task published through the outbox
on commit), one Celery task that builds any kind with progress, the expiring file, the download (an audit event),
and the generic pages (core/export_views.py). A run survives a worker killed as a whole (issue 22): each run claims
the job with a new attempt number and writes a heartbeat with its progress; a job whose heartbeat stopped is queued
again (requeue_stale) and the *.part files it left removed."""

import datetime
import glob
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core import audit, outbox
from core.refusals import Refused
from core.xlsx_table import write_table

logger = logging.getLogger(__name__)

# A job interrupted this many times is failed rather than queued again (an export that kills its worker each time).
MAX_ATTEMPTS = 3
BUILD_TASK = "core.tasks.build_export"
BUILD_FAILED = "生成失败，请点击“重试”；仍失败请联系系统管理员"


class ExportError(Refused):
    """A refused export request (a refusal like any other); the message is shown to the user."""


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期"


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export is its requester's own: nobody else sees its progress or downloads its file."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now()).exclude(status=ExportStatus.EXPIRED)


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

    objects = ExportJobQuerySet.as_manager()

    # The registered kind this model's jobs are (ListExport keeps it in a field), and the directory of its files
    # under MEDIA_ROOT.
    kind = ""
    export_dir = ""

    class Meta:
        abstract = True

    def __str__(self):
        return self.export_kind.describe(self)

    @property
    def export_kind(self):
        return get_kind(self.kind)

    def get_absolute_url(self):
        return reverse("core:export_detail", args=[self.kind, self.code])

    def status_url(self):
        return reverse("core:export_status", args=[self.kind, self.code])

    def download_url(self):
        return reverse("core:export_download", args=[self.kind, self.code])

    @property
    def filename(self):
        return self.export_kind.filename(self)

    @property
    def path(self):
        """Where the task writes the file (MEDIA_ROOT/export_dir/code.xlsx)."""
        return os.path.join(settings.MEDIA_ROOT, self.export_dir, f"{self.code}.xlsx")

    @property
    def is_finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def is_downloadable(self):
        """Done, not expired, and the file is really there: only then does the page offer the link (issue 20)."""
        return (self.status == ExportStatus.DONE and self.expires_at > timezone.now() and bool(self.file)
                and os.path.isfile(os.path.join(settings.MEDIA_ROOT, self.file)))

    @property
    def unavailable_reason(self):
        """Why a finished, not failed, job offers no file (expired, or the file is gone), so the page says so and
        offers 重试 rather than a bare 已完成 without a link; "" otherwise."""
        if self.status == ExportStatus.EXPIRED or (self.status == ExportStatus.DONE and
                                                    self.expires_at <= timezone.now()):
            return "文件已过期删除，如仍需要请点击“重试”重新生成。"
        if self.status == ExportStatus.DONE and not self.is_downloadable:
            return "未找到生成的文件，请点击“重试”重新生成；仍不行请联系系统管理员。"
        return ""

    def progress_state(self):
        """The status view's JSON (the page itself follows the same state through htmx)."""
        downloadable = self.is_downloadable
        return {"status": self.status, "status_label": self.get_status_display(), "progress": self.progress,
                "step": self.step, "finished": self.is_finished, "downloadable": downloadable,
                "download_url": self.download_url() if downloadable else "", "error": self.error,
                "failed": self.status == ExportStatus.FAILED}


class ListExport(ExportJob):
    """导出列表: a list's filters as they were asked for (its URL query), built with the requester's scope by the
    export task; which list is its kind (cadres, audits, …). The file is kept under MEDIA_ROOT/exports/lists/."""

    kind = models.CharField("类别", max_length=40)
    query = models.CharField("筛选条件", max_length=1000, blank=True, help_text="列表的查询参数（URL 编码）")
    rows = models.PositiveIntegerField("行数", default=0)

    export_dir = "exports/lists"

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = "列表导出"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="%(app_label)s_%(class)s_progress"),
        ]
        indexes = [
            # serves the purge of expired files: expires_at <= now on rows not yet expired
            models.Index(fields=["expires_at"], condition=~models.Q(status="expired"),
                         name="core_listexport_live_expiry"),
        ]


# ---------------------------------------------------------------------------------------------------------------
# The registry of kinds

class Rows(NamedTuple):
    """What a kind's `rows(user, params)` returns: how many (for the progress) and the rows themselves."""

    total: int
    rows: Any


@dataclass(frozen=True)
class ExportKind:
    """One kind of export. A table kind gives `rows` and `layout`; a workbook of its own gives `write(job, path,
    progress)`. `events` are the audit names of the request and the download; `back` the (URL name, label) of the
    page it is asked from."""

    name: str
    title: str
    may: Callable
    events: tuple
    back: tuple
    rows: Callable = None
    layout: Any = None
    write: Callable = None
    model: Any = None
    validate: Callable = None
    describe_job: Callable = None
    facts: Callable = None
    retry: Callable = None
    audit_changes: Callable = None
    unit_word: str = "条"
    all_label: str = "全部"
    download_label: str = "下载Excel"
    note: str = "下载记入审计日志。"

    @property
    def job_model(self):
        return self.model or ListExport

    def describe(self, job):
        """What the audit events and the page call this export, e.g. 干部信息列表（unit=…）."""
        if self.describe_job:
            return self.describe_job(job)
        return f"{self.title}列表（{job.query or self.all_label}）"

    def filename(self, job):
        return f"{self.title}_{timezone.localtime(job.created_at):%Y%m%d_%H%M}.xlsx"

    def changes(self, job):
        return self.audit_changes(job) if self.audit_changes else {"query": job.query}

    def job_facts(self, job):
        """Extra (label, value) lines on the export's page."""
        return self.facts(job) if self.facts else []

    def retry_form(self, job):
        """(URL, hidden fields) of the 重试 form: the same request again."""
        if self.retry:
            return self.retry(job)
        return reverse("core:export_request", args=[self.name]), {"query": job.query}

    @staticmethod
    def ttl():
        """How long a file is offered (EXPORT_TTL_HOURS, 24 by default)."""
        return datetime.timedelta(hours=getattr(settings, "EXPORT_TTL_HOURS", 24))


class TaskRequest(NamedTuple):
    """What a list's FilterSet reads from a request (the user, the query), when the export task runs it."""

    user: Any
    GET: Any


def filtered(filterset_class, queryset, user, params):
    """A list's queryset as its filters give it, for `user`, outside a request (in the export task)."""
    return filterset_class(params, queryset=queryset, request=TaskRequest(user, params)).qs


_KINDS = {}


def register_export(name, **options):
    """Called from an app's AppConfig.ready()."""
    _KINDS[name] = ExportKind(name, **options)
    return _KINDS[name]


def get_kind(name):
    """The registered kind; KeyError for an unknown name (the views answer 404)."""
    return _KINDS[name]


def kinds():
    return dict(_KINDS)


# ---------------------------------------------------------------------------------------------------------------
# The lifecycle: request, build, expire, download


@transaction.atomic
def request_export(user, kind_name, *, request=None, **fields):
    """Create the job and queue its task in the outbox, in one transaction with the audit event: the request never
    waits for the broker. `fields` are the job's parameters (a list's `query`, the monthly workbook's month)."""
    kind = get_kind(kind_name)
    if not kind.may(user):
        raise ExportError(f"无权导出{kind.title}")
    if kind.validate:
        kind.validate(user, fields)
    if kind.job_model is ListExport:
        fields = {"kind": kind.name, "query": (fields.get("query") or "").lstrip("?")[:1000]}
    purge_expired(kind.job_model)
    job = kind.job_model.objects.create(requested_by=user, expires_at=timezone.now() + kind.ttl(), **fields)
    audit.record(user, audit.Action.EXPORT, kind.events[0], job, request=request,
                 summary=f"导出{kind.describe(job)}"[:500], changes=kind.changes(job))
    outbox.publish(BUILD_TASK, job._meta.label_lower, job.pk)
    return job


def build(model, job_id):
    """Build the file of one job. Idempotent: only a pending job (or one whose run died) is built, each run fenced by
    its attempt number (Run), and the file is renamed into place only when complete. Scope and filters are applied
    now, as the requester. Returns the job, or None when there was nothing to do."""
    run = Run.claim(model, job_id)
    if run is None:
        return None
    job = model.objects.select_related("requested_by").get(pk=job_id)
    kind = job.export_kind
    user = job.requested_by
    if not user.is_active or not kind.may(user):
        run.fail("导出人已无导出权限")
        job.refresh_from_db()
        return job
    try:
        if kind.write:
            kind.write(job, job.path, run.progress)
        else:
            _write_rows(kind, job, run)
    except Exception:
        logger.exception("%s导出失败（导出 %s）", kind.title, job.code)
        run.fail(BUILD_FAILED)
        job.refresh_from_db()
        return job
    run.done(job.path)
    job.refresh_from_db()
    return job


def _write_rows(kind, job, run):
    rows = kind.rows(job.requested_by, QueryDict(job.query))
    total, word = rows.total, kind.unit_word
    run.update(rows=total, step=f"共{total}{word}，正在写入")

    def progress(written):
        run.progress(written * 100 // max(total, 1), f"已写入{written}/{total}{word}")

    title = f"{kind.title}（导出日期：{timezone.localdate():%Y-%m-%d}，共{total}{word}）"
    write_table(job.path, kind.layout, rows.rows, title=title, progress=progress)


def purge_expired(model, now=None):
    """Delete the files of `model`'s expired jobs and mark them expired. Returns how many."""
    count = 0
    for job in model.objects.expired(now).only("pk", "code", "file"):
        if job.file:
            try:
                os.unlink(os.path.join(settings.MEDIA_ROOT, job.file))
            except FileNotFoundError:
                pass
        count += model.objects.filter(pk=job.pk).exclude(status=ExportStatus.EXPIRED).update(
            status=ExportStatus.EXPIRED, file="")
    return count


def record_download(job, request):
    kind = job.export_kind
    audit.record_request(request, audit.Action.EXPORT, kind.events[1], job,
                         summary=f"下载{kind.describe(job)}"[:500], changes=kind.changes(job))


# ---------------------------------------------------------------------------------------------------------------
# Surviving a dead worker


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
    outbox.publish(BUILD_TASK, model._meta.label_lower, pk)
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
