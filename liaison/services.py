"""Every domain operation of the liaison app: atomic, audited; status changes only through a state table (a report's
`MACHINE` through `_transition`, a meeting decision's `DECISION_MACHINE`); a rule's refusal is core.refusals.Refused."""

import datetime
import logging
import os
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cadres import services as cadre_services
from cadres.models import MeasureKind, SourceChannel
from core import audit, outbox, roles, uploads, workdays
from core.concurrency import claim_version
from core.deadlines import users_covering
from core.models import Notification
from core.refusals import Refused, not_future
from core.transitions import Machine, Transition
from liaison import hooks
from liaison.models import (
    GROUP_PREFIX,
    Disposal,
    ItemAttachment,
    Meeting,
    MeetingDecision,
    MemberUnit,
    Report,
    ReportingSchedule,
    ReportItem,
    first_of_month,
    next_month,
    period_label,
)

Status = Report.Status

# The state machine of a report, in one place; the last three change the report's content, not its status.
MACHINE = Machine(Status, [
    Transition("submit", "报送", source=Status.DRAFT, target=Status.SUBMITTED),
    Transition("sign", "签收", source=Status.SUBMITTED, target=Status.SIGNED),
    Transition("return", "退回", source=Status.SUBMITTED, target=Status.RETURNED, required={"reason": "退回原因"}),
    Transition("reopen", "重新编辑", source=Status.RETURNED, target=Status.DRAFT),
    Transition("edit", "修改", source=Status.DRAFT),
    Transition("match", "匹配干部", source=Report.RECEIVED),
    Transition("dispose", "处置事项", source=Status.SIGNED),
])

# Disposals that create a supervision measure on the matched cadre.
MEASURE_ACTIONS = {
    Disposal.Action.REMINDER_TALK: MeasureKind.REMINDER_TALK,
    Disposal.Action.INQUIRY: MeasureKind.INQUIRY,
    Disposal.Action.ADMONISHMENT: MeasureKind.ADMONISHMENT,
}
# Disposals that need the item matched to a cadre first.
# 转信访举报件 too: the petition case names the matched cadre as 被反映人 and takes his unit.
NEEDS_CADRE = set(MEASURE_ACTIONS) | {Disposal.Action.FOR_VETTING, Disposal.Action.TO_PETITION}

logger = logging.getLogger(__name__)

URGENT_NOTIFICATION_KIND = "liaison.urgent_report"
URGENT_RECIPIENT_ROLES = (roles.SECTION_HEAD, roles.LEADER)
OFFICE_HANDLER_ROLES = (roles.STAFF, roles.SECTION_HEAD)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


# ---------------------------------------------------------------- due dates

def schedule_of(member_unit):
    """The joint meeting's rules for the member unit: its jurisdiction's (a county's own, else the city's)."""
    return ReportingSchedule.for_unit(member_unit.unit_id)


def report_due_date(period, schedule=None):
    """A monthly report for `period` is due on the schedule's day (15th by default) of the following month; a due
    day that is a rest day moves to the next working day when the schedule says so (民法典 第二百零三条). `schedule`:
    the member unit's (schedule_of), the city's when not given."""
    schedule = schedule or ReportingSchedule.current()
    due = next_month(period).replace(day=schedule.due_day)
    return workdays.add_calendar_days(due, 0, roll_over=schedule.roll_over_holidays).date


@workdays.register_recompute
def recompute_for_schedule(first, last):
    """core.workdays hook: monthly report due dates whose due day falls in [first, last] (or was rolled over from
    it) follow the changed holiday schedule; units that have not reported yet hear of it (each by its
    jurisdiction's schedule)."""
    schedules = ReportingSchedule.rows()
    if not any(row.roll_over_holidays for row in [schedules[0], *schedules[1]]):
        return []
    schedule_for = ReportingSchedule.resolver(schedules)
    moves = []
    # A rolled-over due date is at most a holiday's length after the due day.
    reaching = (Report.objects.filter(kind=Report.Kind.MONTHLY, due_date__gte=first,
                                      due_date__lte=last + datetime.timedelta(days=31))
                .select_related("member_unit__unit").select_for_update(of=("self",)))
    for report in reaching:
        schedule = schedule_for(report.member_unit.unit)
        if not schedule.roll_over_holidays:
            continue
        due = report_due_date(report.period, schedule)
        if due == report.due_date:
            continue
        Report.objects.filter(pk=report.pk).update(due_date=due)
        if report.first_submitted_at is None:
            moves.append(workdays.Move(report, "due_date", "月度通报报送期限", report.due_date, due,
                                       recipients=tuple(report.member_unit.officers()), subject=str(report),
                                       url=report.get_absolute_url()))
    return moves


def reminder_date(period, schedule=None):
    schedule = schedule or ReportingSchedule.current()
    return next_month(period).replace(day=schedule.reminder_day)


def reportable_periods(member_unit, today=None, back=12):
    """Months a unit may file a monthly report for: from `back` months ago (not before it joined) to this month."""
    today = today or timezone.localdate()
    period = first_of_month(today)
    periods = []
    for _ in range(back + 1):
        if member_unit.is_active_in(period):
            periods.append(period)
        period = (period - datetime.timedelta(days=1)).replace(day=1)
    return periods


class MonthDue(NamedTuple):
    period: datetime.date
    due_date: datetime.date
    report: object  # the unit's draft (or returned) report of that month, or None before it is started
    has_items: bool  # then 填报事项 leads on; 零报告 is offered only for a report with nothing in it


def month_due(member_unit, today=None):
    """The month a unit owes its report for now: last month (due on the schedule's day of this month), unless it is
    already submitted or the unit was not a member then. The officer's list shows it with 填报 and 零报告."""
    today = today or timezone.localdate()
    period = first_of_month(first_of_month(today) - datetime.timedelta(days=1))
    if not member_unit.is_active_in(period):
        return None
    report = Report.objects.monthly().filter(member_unit=member_unit, period=period).first()
    if report is not None and report.status in (Report.Status.SUBMITTED, Report.Status.SIGNED):
        return None
    if report is None:
        return MonthDue(period, report_due_date(period, schedule_of(member_unit)), None, False)
    return MonthDue(period, report.due_date, report, report.items.filter(voided_at__isnull=True).exists())


# ---------------------------------------------------------------- member units and officers

@transaction.atomic
def ensure_member_unit(unit, *, active_from, sort_order=0, actor=None):
    """Make `unit` a member unit (idempotent), with its own liaison group for object permissions."""
    member = MemberUnit.objects.filter(unit=unit).first()
    if member is not None:
        return member
    group, _ = Group.objects.get_or_create(name=f"{GROUP_PREFIX}{unit.code}")
    member = MemberUnit.objects.create(unit=unit, group=group, active_from=active_from, sort_order=sort_order)
    audit.record(actor, audit.Action.CREATE, "liaison.member_unit.created", member, summary=f"新增成员单位：{unit}")
    return member


@transaction.atomic
def set_officers(member_unit, users, *, actor=None, request=None):
    """Make exactly `users` the unit's liaison officers (they must hold the liaison role)."""
    users = list(users)
    for user in users:
        if not user.has_role(roles.LIAISON):
            raise Refused(f"{user} 不是成员单位联络员角色，不能设为信息联络员")
    current = set(member_unit.group.user_set.values_list("pk", flat=True))
    wanted = {user.pk for user in users}
    if current == wanted:
        return
    member_unit.group.user_set.set(users)
    audit.record(actor, audit.Action.PERMISSION_CHANGE, "liaison.member_unit.officers_changed", member_unit,
                 request=request, summary=f"调整信息联络员：{member_unit}",
                 changes={"officers": [sorted(current), sorted(wanted)]})


def member_unit_of(user):
    """The member unit a liaison officer reports for, or None."""
    if not (user and user.is_authenticated and user.has_role(roles.LIAISON)):
        return None
    return MemberUnit.objects.select_related("unit").filter(group__user=user).order_by("pk").first()


# ---------------------------------------------------------------- reports

def grant_unit_access(report):
    """The reporting unit's liaison group may view and (until signed) change the report."""
    group = report.member_unit.group
    assign_perm("liaison.view_report", group, report)
    assign_perm("liaison.change_report", group, report)


def revoke_unit_change(report):
    """Signed: the unit keeps reading the report, but can no longer change it."""
    remove_perm("liaison.change_report", report.member_unit.group, report)


class ReportExists(Exception):
    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


def create_report(member_unit, period, *, actor, request=None):
    """Start the unit's monthly report for `period`. The named unique constraint makes a second one (a double
    submit, two officers at once) impossible: the loser gets ReportExists with the existing report."""
    period = first_of_month(period)
    if not member_unit.is_active_in(period):
        raise Refused(f"{member_unit} 在{period_label(period)}不是成员单位")
    try:
        with transaction.atomic():
            report = Report.objects.create(member_unit=member_unit, kind=Report.Kind.MONTHLY, period=period,
                                           due_date=report_due_date(period, schedule_of(member_unit)),
                                           created_by=actor)
            grant_unit_access(report)
            audit.record(actor, audit.Action.CREATE, "liaison.report.created", report, request=request,
                         summary=f"新建月度通报：{report}")
    except IntegrityError as error:
        existing = Report.objects.filter(member_unit=member_unit, period=period, kind=Report.Kind.MONTHLY).first()
        if existing is None:
            raise
        raise ReportExists(existing) from error
    return report


def _locked(report):
    return Report.objects.select_for_update().get(pk=report.pk)


def _check_editable(report):
    MACHINE.check(report, "edit")


@transaction.atomic
def update_report(report, *, actor, is_nil, nil_statement="", remarks="", request=None, version=None):
    report = _locked(report)
    _check_editable(report)
    claim_version(report, version, {"is_nil": bool(is_nil), "remarks": remarks})
    if is_nil and report.items.filter(voided_at__isnull=True).exists():
        raise Refused("已填报事项的通报不能作为零报告，请先删除事项")
    old = {"is_nil": report.is_nil, "nil_statement": report.nil_statement, "remarks": report.remarks}
    report.is_nil = bool(is_nil)
    report.nil_statement = (nil_statement or "本月无应报告事项") if is_nil else ""
    report.remarks = remarks
    report.save(update_fields=["is_nil", "nil_statement", "remarks", "updated_at", "version"])
    changes = audit.changed_fields(report, old, old.keys())
    if changes:
        audit.record(actor, audit.Action.UPDATE, "liaison.report.updated", report, request=request,
                     summary=f"修改通报：{report}", changes=changes)
    return report


ITEM_FIELDS = ("cadre_name", "cadre_post", "is_principal", "aspect", "description", "source_kind", "source",
               "occurred_on", "severity")


@transaction.atomic
def add_item(report, *, actor, request=None, cadre=None, **fields):
    report = _locked(report)
    _check_editable(report)
    if report.is_nil:
        raise Refused("零报告不能填报事项；如有事项，请先取消零报告")
    if report.kind == Report.Kind.URGENT and report.items.filter(voided_at__isnull=True).exists():
        raise Refused("即时通报只能包含一个事项")
    values = {k: fields[k] for k in ITEM_FIELDS if k in fields}
    item = ReportItem(report=report, cadre=cadre, created_by=actor, **values)
    if cadre is not None:
        item.cadre_name = item.cadre_name or cadre.name
        item.matched_by, item.matched_at = actor, timezone.now()
    _check_item(item)
    item.save()
    audit.record(actor, audit.Action.CREATE, "liaison.item.created", item, request=request,
                 summary=f"新增通报事项：{report}")
    if _belongs_in_urgent(item):
        _send_urgently(item, actor, request)
    return item


@transaction.atomic
def update_item(item, *, actor, request=None, version=None, **fields):
    _check_editable(_locked(item.report))
    claim_version(item, version, {field: fields[field] for field in ITEM_FIELDS if field in fields})
    old = {field: getattr(item, field) for field in ITEM_FIELDS}
    for field in ITEM_FIELDS:
        if field in fields:
            setattr(item, field, fields[field])
    _check_item(item)
    item.save()
    changes = audit.changed_fields(item, old, ITEM_FIELDS)
    if changes:
        audit.record(actor, audit.Action.UPDATE, "liaison.item.updated", item, request=request,
                     summary=f"修改通报事项：{item.report}", changes=changes)
    if _belongs_in_urgent(item):
        _send_urgently(item, actor, request)
    return item


def _check_item(item):
    item.full_clean(exclude=["report", "created_by", "cadre", "matched_by"])
    not_future(item.occurred_on, "发生时间")


def _belongs_in_urgent(item):
    """一把手 matters are reported at once (domain.md §3, liaison: “一把手 matters at once”), not on the 15th of the
    next month: such an item does not wait in a monthly draft."""
    return item.is_principal and item.report.kind == Report.Kind.MONTHLY


def _send_urgently(item, actor, request):
    """The item leaves the monthly draft for its own 即时通报, submitted now (the section head and leaders are
    notified); it is the same item, so it is counted and disposed of once. Returns the urgent report."""
    monthly = item.report
    urgent = _new_urgent(monthly.member_unit, actor, request)
    item.report = urgent
    item.save(update_fields=["report", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "liaison.item.escalated", item, request=request,
                 summary=f"一把手相关事项由{monthly}转为即时通报",
                 changes={"report": [str(monthly.code), str(urgent.code)]})
    item.report = submit(urgent, actor=actor, request=request)
    return item.report


@transaction.atomic
def void_item(item, *, actor, reason, request=None):
    """An item is never deleted: it is voided with a reason while the report is still a draft."""
    _check_editable(_locked(item.report))
    if not reason:
        raise Refused("请填写删除原因")
    updated = ReportItem.objects.filter(pk=item.pk, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason[:200])
    if updated:
        audit.record(actor, audit.Action.DELETE, "liaison.item.voided", item, request=request,
                     summary=f"删除通报事项：{item.report}", changes={"reason": reason[:200]})
    item.refresh_from_db()
    return item


@transaction.atomic
def add_attachment(item, uploaded, *, actor, request=None):
    _check_editable(_locked(item.report))
    name = os.path.basename(uploaded.name or "")[:200]
    uploads.check_upload(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)  # by content, not by the file name
    attachment = ItemAttachment(item=item, original_name=name, size=uploaded.size, uploaded_by=actor)
    attachment.file.save(str(attachment.code), uploaded, save=False)
    attachment.save()
    audit.record(actor, audit.Action.CREATE, "liaison.attachment.uploaded", attachment, request=request,
                 summary=f"上传附件：{item.report}")
    return attachment


def _transition(report, event, *, changes=None, data=None):
    """Lock, check the table, move; the caller sets the event's own fields before saving."""
    locked = _locked(report)
    return locked, {**MACHINE.apply(locked, event, data=data), **(changes or {})}


def _validate_content(report):
    live = report.items.filter(voided_at__isnull=True).count()
    if report.kind == Report.Kind.URGENT:
        if live != 1:
            raise Refused("即时通报须包含一个事项")
        return
    if report.is_nil and live:
        raise Refused("零报告不能包含事项")
    if not report.is_nil and not live:
        raise Refused("请填报至少一个事项；本月无应报告事项的，请点击“零报告”")


@transaction.atomic
def submit(report, *, actor, request=None):
    report, changes = _transition(report, "submit")
    _validate_content(report)
    now = timezone.now()
    report.submitted_at, report.submitted_by = now, actor
    report.first_submitted_at = report.first_submitted_at or now
    report.save(update_fields=["status", "submitted_at", "submitted_by", "first_submitted_at", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "liaison.report.submitted", report, request=request,
                 summary=f"报送{report.get_kind_display()}：{report}"
                         + ("（逾期）" if report.is_late else ""), changes=changes)
    if report.kind == Report.Kind.URGENT:
        outbox.publish("liaison.tasks.notify_urgent_report", report.pk)
    return report


@transaction.atomic
def submit_nil(report, *, actor, nil_statement="", request=None, version=None):
    """零报告 in one step: record the nil statement and submit (seed 003: a unit with nothing to report says so
    explicitly). One transaction, so a refused submit leaves no nil draft behind."""
    if report.kind != Report.Kind.MONTHLY:
        raise Refused("只有月度通报可以零报告")
    report = update_report(report, actor=actor, is_nil=True, nil_statement=nil_statement, remarks=report.remarks,
                           request=request, version=version)
    return submit(report, actor=actor, request=request)


@transaction.atomic
def sign(report, *, actor, request=None):
    report, changes = _transition(report, "sign")
    report.signed_at, report.signed_by = timezone.now(), actor
    report.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    revoke_unit_change(report)
    audit.record(actor, audit.Action.UPDATE, "liaison.report.signed", report, request=request,
                 summary=f"签收通报：{report}", changes=changes)
    return report


@transaction.atomic
def return_report(report, *, actor, reason, request=None):
    reason = (reason or "").strip()
    report, changes = _transition(report, "return", changes={"reason": reason[:500]}, data={"reason": reason})
    report.returned_at, report.returned_by, report.return_reason = timezone.now(), actor, reason[:500]
    report.save(update_fields=["status", "returned_at", "returned_by", "return_reason", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "liaison.report.returned", report, request=request,
                 summary=f"退回通报：{report}", changes=changes)
    return report


@transaction.atomic
def reopen(report, *, actor, request=None):
    report, changes = _transition(report, "reopen")
    report.save(update_fields=["status", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "liaison.report.reopened", report, request=request,
                 summary=f"退回后重新编辑：{report}", changes=changes)
    return report


@transaction.atomic
def send_urgent(member_unit, *, actor, request=None, **fields):
    """即时通报: one item about a 一把手, sent at once; the section head and leaders are notified by a task."""
    if not fields.get("is_principal"):
        raise Refused("即时通报仅用于一把手相关事项")
    report = _new_urgent(member_unit, actor, request)
    add_item(report, actor=actor, request=request, **fields)
    return submit(report, actor=actor, request=request)


def _new_urgent(member_unit, actor, request):
    report = Report.objects.create(member_unit=member_unit, kind=Report.Kind.URGENT,
                                   period=first_of_month(timezone.localdate()), created_by=actor)
    grant_unit_access(report)
    audit.record(actor, audit.Action.CREATE, "liaison.report.created", report, request=request,
                 summary=f"新建即时通报：{report}")
    return report


def notify_urgent_report(report_id):
    """Create the notifications of an urgent report; unique per item and recipient, so a retry adds nothing."""
    report = Report.objects.select_related("member_unit__unit").get(pk=report_id, kind=Report.Kind.URGENT)
    if report.first_submitted_at is None:
        return 0
    item_type = ContentType.objects.get_for_model(ReportItem)
    sent_on = timezone.localtime(report.first_submitted_at).date()
    recipients = users_covering(report.member_unit.unit, URGENT_RECIPIENT_ROLES)
    rows = [
        Notification(recipient=user, kind=URGENT_NOTIFICATION_KIND, target_type=item_type, target_id=str(item.pk),
                     title=f"即时通报：{report.member_unit}报送一把手相关事项（{item.get_aspect_display()}，"
                           f"{item.get_severity_display()}）",
                     url=report.get_absolute_url(), due_date=sent_on, level=Notification.Level.WARNING)
        for item in report.items.filter(voided_at__isnull=True) for user in recipients
    ]
    # by recipient first: the unique constraint's order (core_notification has no index on the target alone)
    mine = Notification.objects.filter(recipient__in=recipients, kind=URGENT_NOTIFICATION_KIND, target_type=item_type,
                                       target_id__in={row.target_id for row in rows})
    before = mine.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # the core unique constraint drops repeats
    return mine.count() - before


# ---------------------------------------------------------------- office: matching and disposal

@transaction.atomic
def match_item(item, cadre, *, actor, request=None):
    MACHINE.check(_locked(item.report), "match")
    old = item.cadre_id
    item.cadre, item.matched_by, item.matched_at = cadre, actor, timezone.now()
    item.save(update_fields=["cadre", "matched_by", "matched_at", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "liaison.item.matched", item, request=request,
                 summary=f"匹配干部：{item.cadre_name} → {cadre}", changes={"cadre": [old, cadre.pk]})
    return item


@transaction.atomic
def dispose(item, action, *, actor, decided_on=None, feedback="", note="", request=None):
    """处置 an item. Measures go to the cadres app; 转信访举报件 goes to whoever registered the hand-off."""
    report = _locked(item.report)
    MACHINE.check(report, "dispose")
    item = ReportItem.objects.select_for_update().get(pk=item.pk)
    if item.voided_at is not None:
        raise Refused("该事项已删除")
    if action in NEEDS_CADRE and item.cadre_id is None:
        raise Refused("请先将事项匹配到干部")
    if item.disposals.filter(action=action).exists():
        raise Refused("该事项已作过此项处置")
    decided_on = decided_on or timezone.localdate()
    not_future(decided_on, "处置日期")
    disposal = Disposal(item=item, action=action, decided_on=decided_on, feedback=feedback, note=note,
                        created_by=actor)
    if action in MEASURE_ACTIONS:
        measure = cadre_services.record_measure(
            item.cadre, MEASURE_ACTIONS[action], decided_on,
            f"联席会议通报（{report.member_unit}，{report.period_label}）：{item.description}"[:2000],
            actor=actor, source_channel=SourceChannel.LIAISON, source=item, request=request)
        disposal.measure_code = str(measure.code)
    if action == Disposal.Action.TO_PETITION:
        disposal.handoff_status = Disposal.Handoff.PENDING
    try:
        with transaction.atomic():
            disposal.save()
    except IntegrityError as error:
        raise Refused("该事项已作过此项处置") from error
    if action == Disposal.Action.TO_PETITION:
        _hand_off(disposal, actor)
    audit.record(actor, audit.Action.CREATE, "liaison.disposal.created", disposal, request=request,
                 summary=f"处置通报事项：{disposal.get_action_display()}",
                 changes={"action": action, "measure": disposal.measure_code, "handoff": disposal.handoff_status})
    return disposal


def _hand_off(disposal, actor):
    handler = hooks.disposal_handler(disposal.action)
    if handler is None:
        return False
    result = handler(disposal.item, actor)
    disposal.handoff_status = Disposal.Handoff.DONE
    disposal.handoff_code = str(result.code)[:64]
    disposal.handoff_label = (result.label or "")[:200]
    disposal.handoff_url = (result.url or "")[:300]
    disposal.save(update_fields=["handoff_status", "handoff_code", "handoff_label", "handoff_url"])
    return True


def forward_pending_handoffs(action=Disposal.Action.TO_PETITION, *, actor=None):
    """Pass disposals still waiting (recorded before a handler existed) to the registered handler, each in its own
    transaction, as `actor` or else as whoever made the disposal. One the handler refuses (e.g. its item is not
    matched to a cadre yet) stays waiting and is logged; the others go on. Returns how many were handed off."""
    if hooks.disposal_handler(action) is None:
        return 0
    done = 0
    pending = Disposal.objects.filter(action=action, handoff_status=Disposal.Handoff.PENDING).values_list("pk",
                                                                                                       flat=True)
    for pk in list(pending):
        try:
            done += _forward_one(pk, actor)
        except Refused as error:
            logger.warning("liaison disposal %s still waits for its hand-off: %s", pk, error)
    return done


@transaction.atomic
def _forward_one(pk, actor):
    disposal = Disposal.objects.select_for_update().select_related("item__report").get(pk=pk)
    if disposal.handoff_status != Disposal.Handoff.PENDING:
        return 0
    actor = actor or disposal.created_by
    if actor is None:
        raise Refused("原处置人已不存在，请指定登记人（--actor）")
    if not _hand_off(disposal, actor):
        return 0
    audit.record(actor, audit.Action.UPDATE, "liaison.disposal.handed_off", disposal,
                 summary=f"移交完成：{disposal.handoff_code}")
    return 1


# ---------------------------------------------------------------- meetings

MEETING_FIELDS = ("kind", "title", "held_on", "agenda", "minutes")


@transaction.atomic
def create_meeting(*, actor, organizer, attendees=(), request=None, **fields):
    meeting = Meeting(organizer=organizer, created_by=actor, **{f: fields[f] for f in MEETING_FIELDS if f in fields})
    meeting.full_clean(exclude=["created_by"])
    meeting.save()
    meeting.attendees.set(attendees)
    audit.record(actor, audit.Action.CREATE, "liaison.meeting.created", meeting, request=request,
                 summary=f"登记联席会议：{meeting}")
    return meeting


@transaction.atomic
def update_meeting(meeting, *, actor, attendees=None, version=None, request=None, **fields):
    """Change a meeting opened at `version`. Someone else's save in between raises EditConflict (from
    core.concurrency) and nothing is saved, attendees included."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    values = {f: fields[f] for f in MEETING_FIELDS if f in fields}
    claim_version(meeting, version, values)
    old = {f: getattr(meeting, f) for f in MEETING_FIELDS}
    old_attendees = sorted(meeting.attendees.values_list("pk", flat=True))
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["created_by"])
    meeting.save()
    changes = audit.changed_fields(meeting, old, MEETING_FIELDS)
    if attendees is not None:
        meeting.attendees.set(attendees)
        new_attendees = sorted(meeting.attendees.values_list("pk", flat=True))
        if new_attendees != old_attendees:
            changes["attendees"] = [old_attendees, new_attendees]
    audit.record(actor, audit.Action.UPDATE, "liaison.meeting.updated", meeting, request=request,
                 summary=f"修改联席会议：{meeting}", changes=changes)
    return meeting


@transaction.atomic
def add_decision(meeting, *, actor, content, owner_unit, deadline, request=None):
    decision = MeetingDecision.objects.create(meeting=meeting, content=content, owner_unit=owner_unit,
                                              deadline=deadline)
    audit.record(actor, audit.Action.CREATE, "liaison.decision.created", decision, request=request,
                 summary=f"新增议定事项：{meeting}")
    return decision


# 议定事项: tracked to done, by the office (办结) or by the lead unit's liaison officer (报告办结, with what was done).
DECISION_MACHINE = Machine(MeetingDecision.Status, [
    Transition("complete", "办结", source=MeetingDecision.Status.OPEN, target=MeetingDecision.Status.DONE),
    Transition("report_done", "报告办结", source=MeetingDecision.Status.OPEN, target=MeetingDecision.Status.DONE,
               required={"note": "办理情况"}),
])


def _finish_decision(decision, action, *, actor, done_on, note):
    """Lock, check the table, mark done with the date and what was done; returns the row and the audit changes."""
    locked = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
    changes = DECISION_MACHINE.apply(locked, action, data={"note": note})
    locked.done_on, locked.done_note, locked.done_by = done_on, note, actor
    locked.save(update_fields=["status", "done_on", "done_note", "done_by"])
    return locked, changes


@transaction.atomic
def complete_decision(decision, *, actor, done_on=None, note="", request=None):
    not_future(done_on, "办结日期")
    decision, changes = _finish_decision(decision, "complete", actor=actor, done_on=done_on or timezone.localdate(),
                                         note=note)
    audit.record(actor, audit.Action.UPDATE, "liaison.decision.completed", decision, request=request,
                 summary=f"议定事项办结：{decision.meeting}", changes=changes)
    return decision


@transaction.atomic
def report_decision_done(decision, *, actor, note, request=None):
    """The lead unit's liaison officer reports its decision done, with what was done (办理情况)."""
    decision, changes = _finish_decision(decision, "report_done", actor=actor, done_on=timezone.localdate(),
                                         note=(note or "").strip()[:2000])
    audit.record(actor, audit.Action.UPDATE, "liaison.decision.completion_reported", decision, request=request,
                 summary=f"{decision.owner_unit}报告议定事项办结：{decision.meeting}", changes=changes)
    return decision
