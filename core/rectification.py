"""整改跟踪 (rectification tracking), written once and reused by every finding-like model.

Audit findings use it (audits.models.Finding); inspection items (matters.models.InspectionItem) and any other
"problem with a deadline to fix it" reuse it the same way:

    from core import rectification

    class InspectionFinding(rectification.RectificationItem):  # code, recorded by/at, void fields, and the
        inspection = models.ForeignKey(...)                       # status, start, deadline, done-on, required
        ...
        class Meta(rectification.RectificationItem.Meta):     # keeps the named check constraint
            indexes = [rectification.open_deadline_index("insp_finding_open_deadline")]

    # the dated progress log and the evidence attachments (under MEDIA_ROOT), declared by companion_models
    InspectionProgress, InspectionEvidence = rectification.companion_models(
        InspectionFinding, prefix="Inspection", item_label="整改事项", progress_label="整改进展",
        evidence_label="整改佐证材料", upload_subdir="inspections/evidence")

The related names `progress_entries` and `evidence_files` are the contract the services below rely on. Then:
`start(item, start_date, days)` before the first save; `change_deadline`, `record_progress`, `attach_evidence`,
`void_evidence`, `void_item` as the only ways to change them; `evidence_response` in the (permission-checking)
download view; `dues(...)` inside a deadline provider (reminders to the handler, escalation after N days overdue);
`status_counts` / `rate` for statistics. Every change is written to the audit log and to the progress log.
The pages and views over an item (forms, detail context, progress/deadline/evidence/void views) are in
core.rectification_views.
"""

import hashlib
import os
import uuid
import zipfile
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import FileResponse
from django.utils import timezone

from core import audit, roles, uploads
from core.refusals import Refused, not_future
from core.transitions import Machine, Transition
from core.workdays import add_calendar_days


class RectificationStatus(models.TextChoices):
    PENDING = "pending", "未整改"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已整改"
    IMPOSSIBLE = "impossible", "不能整改"


OPEN_STATUSES = (RectificationStatus.PENDING, RectificationStatus.IN_PROGRESS)
OPEN_Q = models.Q(rectification_status__in=OPEN_STATUSES)

# The one table of allowed status changes: a progress entry names the status after it (its target). A progress
# note may keep an open status unchanged.
R = RectificationStatus
MACHINE = Machine(R, [
    Transition("progress", "记录整改进展", source=R.PENDING, target=(R.PENDING, R.IN_PROGRESS, R.DONE, R.IMPOSSIBLE)),
    Transition("progress", "记录整改进展", source=R.IN_PROGRESS, target=(R.IN_PROGRESS, R.DONE, R.IMPOSSIBLE)),
    # reopened when a review finds the fix did not hold, or the obstacle is gone
    Transition("progress", "记录整改进展", source=(R.DONE, R.IMPOSSIBLE), target=R.IN_PROGRESS),
], field="rectification_status")

# Evidence uploads: size limit and the kinds accepted, recognised by content (not by name or browser claim).
MAX_EVIDENCE_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)


def open_deadline_index(name):
    """The partial index of a finding-like model serving the deadline scan and the warning rules: open
    rectifications by deadline."""
    return models.Index(fields=["rectification_deadline"], condition=OPEN_Q, name=name)


def allowed(old, new):
    row = MACHINE.find(old, "progress")
    return row is not None and new in row.target


class Rectifiable(models.Model):
    """The rectification fields of a finding-like model."""

    rectification_required = models.TextField("整改要求")
    rectification_status = models.CharField("整改状态", max_length=16, choices=RectificationStatus.choices,
                                            default=RectificationStatus.PENDING)
    rectification_start = models.DateField("整改起算日期")
    rectification_deadline = models.DateField("整改期限")
    rectification_done_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(rectification_deadline__gte=models.F("rectification_start")),
                                   name="%(app_label)s_%(class)s_deadline_after_start"),
        ]

    @property
    def rectification_open(self):
        return self.rectification_status in OPEN_STATUSES

    def days_overdue(self, on_date=None):
        """Days past the deadline while still open (0 when not overdue or closed)."""
        on_date = on_date or timezone.localdate()
        if not self.rectification_open or self.rectification_deadline >= on_date:
            return 0
        return (on_date - self.rectification_deadline).days

    def days_left(self, on_date=None):
        on_date = on_date or timezone.localdate()
        return (self.rectification_deadline - on_date).days


class RectificationItem(Rectifiable):
    """A finding-like record: a public code, who recorded it and when, and voiding with a reason (no deletes)."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta(Rectifiable.Meta):
        abstract = True


class ProgressEntryBase(models.Model):
    """整改进展: one dated line of the log. The concrete model adds `item` (related_name="progress_entries")."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField("日期")
    note = models.TextField("进展情况")
    status_after = models.CharField("整改状态", max_length=16, choices=RectificationStatus.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_status_after_display()}"


def evidence_upload_to(instance, filename):
    """A generated name: nothing the uploader chose reaches the file system."""
    today = timezone.localdate()
    return f"{instance.upload_subdir}/{today:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class EvidenceBase(models.Model):
    """整改佐证材料: a file stored under MEDIA_ROOT with a generated name, served only by a checking view.
    The concrete model adds `item` (related_name="evidence_files") and may set `upload_subdir`."""

    upload_subdir = "evidence"

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


def companion_models(item_model, *, prefix, item_label, progress_label, evidence_label, upload_subdir):
    """Declare the progress log (`<prefix>Progress`) and evidence (`<prefix>Evidence`) models of a finding-like
    model, in the item's module, with the related names the services rely on. Assign both to module-level names
    of the same spelling (migrations and `apps.get_model` find them there)."""

    def declare(base, name, verbose_name, related_name, **attrs):
        meta = type("Meta", (base.Meta,), {"verbose_name": verbose_name, "verbose_name_plural": verbose_name})
        item = models.ForeignKey(item_model, verbose_name=item_label, on_delete=models.PROTECT,
                                 related_name=related_name)
        return type(name, (base,), {"__module__": item_model.__module__, "__qualname__": name, "Meta": meta,
                                    "item": item, **attrs})

    progress = declare(ProgressEntryBase, f"{prefix}Progress", progress_label, "progress_entries")
    evidence = declare(EvidenceBase, f"{prefix}Evidence", evidence_label, "evidence_files",
                       upload_subdir=upload_subdir)
    return progress, evidence


# ---------------------------------------------------------------------------------------------------------------
# Services


def initial_deadline(start_date, days):
    """The default deadline: `days` calendar days after the start (60 by default for audits, local practice)."""
    return add_calendar_days(start_date, days).date


def start(item, start_date, days, deadline=None):
    """Set the rectification fields of a new, unsaved item."""
    item.rectification_status = RectificationStatus.PENDING
    item.rectification_start = start_date
    item.rectification_deadline = deadline or initial_deadline(start_date, days)
    if item.rectification_deadline < start_date:
        raise Refused("整改期限不能早于起算日期")
    return item


def _locked(item):
    return type(item).objects.select_for_update().get(pk=item.pk)


def _event(item, verb):
    return f"{item._meta.label_lower}.{verb}"


@transaction.atomic
def change_deadline(item, new_deadline, reason, *, actor, request=None, on_date=None):
    """Move the deadline (with a reason, logged in the progress log and the audit log)."""
    locked = _locked(item)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("调整整改期限须说明理由")
    if not locked.rectification_open:
        raise Refused("整改已完结，不能调整期限")
    if new_deadline < locked.rectification_start:
        raise Refused("整改期限不能早于起算日期")
    old = locked.rectification_deadline
    if new_deadline == old:
        raise Refused("新期限与原期限相同")
    locked.rectification_deadline = new_deadline
    locked.save(update_fields=["rectification_deadline"])
    locked.progress_entries.create(
        date=on_date or timezone.localdate(), status_after=locked.rectification_status, recorded_by=actor,
        note=f"整改期限由{old:%Y-%m-%d}调整为{new_deadline:%Y-%m-%d}：{reason}")
    audit.record(actor, audit.Action.UPDATE, _event(locked, "deadline_changed"), locked, request=request,
                 summary=f"调整整改期限：{locked}", changes={"rectification_deadline": [str(old), str(new_deadline)],
                                                           "reason": reason})
    item.refresh_from_db()
    return locked


@transaction.atomic
def record_progress(item, *, date, note, status, actor, request=None):
    """Append a dated progress entry and (optionally) change the status, following MACHINE.
    已整改 needs at least one evidence file; 不能整改 and reopening need an explanation."""
    locked = _locked(item)
    note = (note or "").strip()
    old = locked.rectification_status
    if not allowed(old, status):
        raise Refused(
            f"整改状态不能由“{RectificationStatus(old).label}”改为“{RectificationStatus(status).label}”", code="state")
    if not note:
        raise Refused("请填写整改进展情况")
    not_future(date, "进展日期")
    if date < locked.rectification_start:
        raise Refused("进展日期不能早于整改起算日期")
    if status == RectificationStatus.DONE and not locked.evidence_files.filter(voided_at__isnull=True).exists():
        raise Refused("标记为已整改前，请先上传整改佐证材料")
    MACHINE.apply(locked, "progress", target=status)
    if status == RectificationStatus.DONE:
        locked.rectification_done_on = date
    elif status in OPEN_STATUSES:
        locked.rectification_done_on = None
    locked.save(update_fields=["rectification_status", "rectification_done_on"])
    entry = locked.progress_entries.create(date=date, note=note, status_after=status, recorded_by=actor)
    audit.record(actor, audit.Action.UPDATE, _event(locked, "progress_recorded"), locked, request=request,
                 summary=f"整改进展（{RectificationStatus(status).label}）：{locked}",
                 changes={"rectification_status": [old, status]} if old != status else {})
    item.refresh_from_db()
    return entry


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
_ZIP_TYPES = [
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("OFD.xml", "application/ofd", ".ofd"),
]
ACCEPTED_DESCRIPTION = "PDF、OFD、JPG、PNG、Word、Excel"


def sniff(uploaded):
    """(content type, extension) recognised from the first bytes of the file, or Refused."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(_OLE):
        ext = os.path.splitext(uploaded.name or "")[1].lower()
        if ext in _OLE_TYPES:
            return _OLE_TYPES[ext], ext
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:  # reads the directory only, extracts nothing
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        finally:
            uploaded.seek(0)
        for marker, content_type, ext in _ZIP_TYPES:
            if marker in names:
                return content_type, ext
    raise Refused(f"不支持的文件类型，仅接受 {ACCEPTED_DESCRIPTION}")


def check_upload(uploaded):
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise Refused(f"文件过大（上限 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB）")
    if uploaded.size == 0:
        raise Refused("文件为空")
    _refuse_macros_and_bombs(uploaded)
    return sniff(uploaded)


def _refuse_macros_and_bombs(uploaded):
    """Zip containers (Office, OFD) go through core.uploads first: macro files and zip bombs are refused."""
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if head == b"PK\x03\x04":
        try:
            uploads.sniff(uploaded)  # the zip's directory only: the file is never read whole into memory
        except ValidationError as error:
            raise Refused("".join(error.messages)) from None


@transaction.atomic
def attach_evidence(item, uploaded, *, actor, description="", request=None):
    """Store an evidence file for the item (checked by size and content) and log it."""
    content_type, ext = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    original = os.path.basename(uploaded.name or "file")[:200]
    evidence = item.evidence_files.model(item=item, original_name=original, content_type=content_type,
                                         extension=ext, size=uploaded.size, sha256=digest.hexdigest(),
                                         description=(description or "")[:200], uploaded_by=actor)
    evidence.file.save("upload", uploaded, save=False)  # the name comes from evidence_upload_to
    evidence.save()
    audit.record(actor, audit.Action.CREATE, _event(evidence, "uploaded"), evidence, request=request,
                 summary=f"上传整改佐证材料：{item}", changes={"size": evidence.size, "sha256": evidence.sha256})
    return evidence


@transaction.atomic
def void_evidence(item, evidence, reason, *, actor, request=None):
    """Evidence is never deleted: it is voided with a reason (the file stays for the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("作废佐证材料须说明理由")
    evidence = item.evidence_files.select_for_update().get(pk=evidence.pk)
    if evidence.voided_at:
        raise Refused("该材料已作废")
    evidence.voided_at = timezone.now()
    evidence.void_reason = reason[:200]
    evidence.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, audit.Action.UPDATE, _event(evidence, "voided"), evidence, request=request,
                 summary=f"作废整改佐证材料：{item}", changes={"reason": reason})
    return evidence


@transaction.atomic
def void_item(item, reason, *, noun, actor, request=None):
    """A finding-like item is never deleted: it is voided with a reason (`noun`, e.g. 问题, names it in messages).
    Logged as `<app>.<model>.voided`."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("作废须说明理由")
    item = _locked(item)
    if item.voided_at:
        raise Refused(f"该{noun}已作废")
    item.voided_at, item.void_reason = timezone.now(), reason[:200]
    item.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, audit.Action.UPDATE, _event(item, "voided"), item, request=request,
                 summary=f"作废{item._meta.verbose_name}：{item}", changes={"reason": reason})
    return item


def evidence_response(evidence, request):
    """Serve a stored evidence file as a download (never rendered inline) and log who read it.
    The caller has already checked that the user may see the item."""
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    audit.record_request(request, audit.Action.VIEW, _event(evidence, "downloaded"), evidence,
                         summary=f"下载整改佐证材料：{evidence.original_name}")
    return response


# ---------------------------------------------------------------------------------------------------------------
# Deadlines and statistics


def dues(q, *, kind, tables, where, title, url, recipient, recipient_joins, unit, escalate_after):
    """The set-based deadline rows (core.deadlines.Query `q`) of the open rectification items `i` in `tables`
    (FROM and JOINs) matching `where`:

    - to `recipient` (a column of `recipient_joins`) at each level (提示 within the notice window, 预警 on the
      day, 逾期 after);
    - once `escalate_after` days overdue (SQL: the number of the item's jurisdiction, Query.setting), also
      `kind + "_escalated"` to the section heads covering `unit`.
    `title` is the SQL text before the state (已逾期N天 / 期限…), never an informant's identity; `url` the link."""
    q.params.update(open_statuses=list(OPEN_STATUSES))
    due = "i.rectification_deadline"
    overdue = f"(CASE WHEN {due} < %(on_date)s THEN %(on_date)s - {due} ELSE 0 END)"
    state = f"CASE WHEN {due} < %(on_date)s THEN '已逾期' || {overdue} || '天' ELSE '期限' || {q.ymd(due)} END"
    open_items = f"i.rectification_status = ANY(%(open_statuses)s) AND {due} <= %(horizon)s AND {where}"
    heads = q.covering([roles.SECTION_HEAD])
    return q.rows(f"""
        SELECT '{kind}' AS kind, {recipient} AS recipient_id, i.id AS target_id, {due} AS due_date,
               {q.level(due)} AS level, {title} || {state} AS title, {url} AS url
        FROM {tables} {recipient_joins} WHERE {open_items}
        UNION ALL
        SELECT '{kind}_escalated', heads.user_id, i.id, {due}, 'overdue',
               '【逾期' || {overdue} || '天，请督办】' || {title} || {state}, {url}
        FROM {tables} JOIN {heads} heads ON heads.unit_id = {unit}
        WHERE {open_items} AND {overdue} >= {escalate_after}
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def status_counts(queryset):
    """{status: count} for every status (zeros included), one aggregate query."""
    counts = {status: 0 for status in RectificationStatus.values}
    for row in queryset.order_by().values("rectification_status").annotate(n=Count("pk")):
        counts[row["rectification_status"]] = row["n"]
    return counts


def rate(counts):
    """整改率 in percent (one decimal): 已整改 over all findings; None when there are none."""
    total = sum(counts.values())
    if not total:
        return None
    value = Decimal(counts.get(RectificationStatus.DONE, 0) * 100) / Decimal(total)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
