"""Every domain operation of the audits app: atomic, rows locked for transitions, each written to the audit log."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audits import planning
from audits.audit_events import AUDIT_EVENTS, PLAN_EVENTS
from audits.models import (
    Audit,
    AuditKind,
    AuditPlan,
    AuditRules,
    AuditStatus,
    AuditSubject,
    CategoryPolicy,
    ClassificationChange,
    EntryDecision,
    EntryOrigin,
    Finding,
    PlanEntry,
    PlanStatus,
    ResultKind,
    ResultUse,
    UnitClassification,
)
from cadres.models import MeasureKind, SourceChannel
from cadres.services import record_measure, void_measure
from core import audit as audit_log
from core import numbering, rectification
from core.concurrency import claim_version
from core.refusals import Refused, not_future
from core.transitions import Machine, Transition
from core.workdays import add_calendar_days

Action = audit_log.Action


# ---------------------------------------------------------------------------------------------------------------
# Money


CENT = Decimal("0.01")


def to_money(value):
    """A Decimal with two places (元). Floats are refused: money never passes through binary floating point."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("金额须为 Decimal 或字符串，不能为浮点数")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise Refused(f"金额格式不正确：{value}") from None
    if amount < 0:
        raise Refused("金额不能为负数")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------------------------
# Classification


# `version` of classify_unit when the form was opened on a unit that had no classification yet.
UNCLASSIFIED = 0


@transaction.atomic
def classify_unit(unit, *, category, mode=None, basis="", is_subject=True, reason="", actor, request=None,
                  version=None):
    """Set or change a unit's category (and mode: by default the category's); every change is kept in history.

    `version` is the classification's version as the edit form opened it (UNCLASSIFIED when there was none): a
    save in between raises core.concurrency.EditConflict and changes nothing, and so does a missing version once the
    unit is classified (scripts pass core.concurrency.LATEST)."""
    policy = CategoryPolicy.objects.filter(category=category).first()
    mode = mode or (policy.default_mode if policy else None)
    if not mode:
        raise Refused("请选择审计方式")
    current = UnitClassification.objects.select_for_update().filter(unit=unit).first()
    reason = (reason or "").strip()
    if current is not None:
        claim_version(current, version, {"category": category, "mode": mode, "is_subject": is_subject,
                                         "basis": basis})
    if current is None:
        current = UnitClassification.objects.create(unit=unit, category=category, mode=mode, basis=basis,
                                                    is_subject=is_subject, updated_by=actor)
        ClassificationChange.objects.create(classification=current, new_category=category, new_mode=mode,
                                            new_is_subject=is_subject, reason=reason or "初次分类",
                                            changed_by=actor)
        audit_log.record(actor, Action.CREATE, "audits.classification.created", current, request=request,
                         summary=f"审计对象分类：{unit} {current.get_category_display()}")
        return current
    old = {"category": current.category, "mode": current.mode, "is_subject": current.is_subject,
           "basis": current.basis}
    if (old["category"], old["mode"], old["is_subject"]) != (category, mode, is_subject):
        if not reason:
            raise Refused("调整类别、方式或是否纳入审计对象时须说明理由")
        ClassificationChange.objects.create(
            classification=current, old_category=old["category"], new_category=category, old_mode=old["mode"],
            new_mode=mode, old_is_subject=old["is_subject"], new_is_subject=is_subject, reason=reason,
            changed_by=actor)
    current.category, current.mode, current.is_subject, current.basis = category, mode, is_subject, basis
    current.updated_by = actor
    current.save()
    changes = audit_log.changed_fields(current, old, ["category", "mode", "is_subject", "basis"])
    if changes:
        audit_log.record(actor, Action.UPDATE, "audits.classification.changed", current, request=request,
                         summary=f"调整审计对象分类：{unit}", changes={**changes, "reason": reason})
    return current


# ---------------------------------------------------------------------------------------------------------------
# Annual plan

# The one table of plan transitions. An approved plan is frozen (_lock_plan says so before the table is asked).
PLAN_MACHINE = Machine(PlanStatus, [
    Transition("submit", "报审计委员会", source=PlanStatus.DRAFT, target=PlanStatus.SUBMITTED),
    Transition("return", "退回修改", source=PlanStatus.SUBMITTED, target=PlanStatus.DRAFT,
               required={"reason": "退回修改的理由"}),
    Transition("approve", "登记批准", source=(PlanStatus.DRAFT, PlanStatus.SUBMITTED), target=PlanStatus.APPROVED,
               required={"approved_on": "批准日期"}),
])


def _lock_plan(plan):
    locked = AuditPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.is_frozen:
        raise Refused(f"{locked}已于{locked.approved_on:%Y年%m月%d日}批准，计划已冻结，不能修改。", code="frozen")
    return locked


def _entry_from(plan, proposal):
    return PlanEntry(plan=plan, cadre=proposal.cadre, unit=proposal.unit, post_title=proposal.post_title,
                     category=proposal.category, kind=proposal.kind, mode=proposal.mode,
                     reasons=list(proposal.reasons), origin=EntryOrigin.SUGGESTED)


@transaction.atomic
def create_plan(year, scope, *, actor, request=None):
    """Start a year's plan for the units under `scope`, filled with the system's suggestion (each with reasons)."""
    if AuditPlan.objects.filter(year=year, unit=scope).exists():
        raise Refused(f"{year}年度审计计划已存在")
    plan = AuditPlan.objects.create(year=year, unit=scope, created_by=actor)
    entries = [_entry_from(plan, p) for p in planning.suggest(year, scope) if p.due]
    PlanEntry.objects.bulk_create(entries)
    audit_log.record(actor, Action.CREATE, "audits.plan.created", plan, request=request,
                     summary=f"编制{plan}，系统建议{len(entries)}个审计对象")
    return plan


@transaction.atomic
def refresh_suggestion(plan, *, actor, request=None):
    """Add the suggestion's new names to a draft plan; decisions already taken stay as they are."""
    plan = _lock_plan(plan)
    present = set(plan.entries.values_list("cadre_id", flat=True))
    entries = [_entry_from(plan, p) for p in planning.suggest(plan.year, plan.unit)
               if p.due and p.cadre.pk not in present]
    PlanEntry.objects.bulk_create(entries)
    audit_log.record(actor, Action.UPDATE, "audits.plan.refreshed", plan, request=request,
                     summary=f"重新生成建议：新增{len(entries)}个审计对象")
    return len(entries)


@transaction.atomic
def decide_entry(entry, decision, note="", *, actor, request=None):
    """Accept (列入计划), drop (不列入, with a reason) or reset an entry of an unfrozen plan."""
    _lock_plan(entry.plan)
    entry = PlanEntry.objects.select_for_update().get(pk=entry.pk)
    note = (note or "").strip()
    if decision not in EntryDecision.values:
        raise Refused("无效的处理方式")
    if decision == EntryDecision.DROPPED and not note:
        raise Refused("不列入计划须说明理由")
    old = entry.decision
    entry.decision, entry.decision_note = decision, note[:300]
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    audit_log.record(actor, Action.UPDATE, "audits.plan_entry.decided", entry.plan, request=request,
                     summary=f"{entry}：{entry.get_decision_display()}", changes={"decision": [old, decision],
                                                                                   "note": note})
    return entry


@transaction.atomic
def add_entry(plan, cadre, *, kind, mode, reason, actor, request=None):
    """Add a name the suggestion did not propose (accepted at once, with the staff's reason)."""
    plan = _lock_plan(plan)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("人工添加审计对象须说明理由")
    if not cadre.unit.path.startswith(plan.unit.path):
        raise Refused("该干部不在本计划的范围内")
    if plan.entries.filter(cadre=cadre).exists():
        raise Refused(f"{cadre}已在计划中")
    classification = UnitClassification.objects.filter(unit=cadre.unit).first()
    entry = PlanEntry.objects.create(
        plan=plan, cadre=cadre, unit=cadre.unit, post_title=cadre.post_title,
        category=classification.category if classification else "", kind=kind, mode=mode, reasons=[reason],
        origin=EntryOrigin.MANUAL, decision=EntryDecision.ACCEPTED, decided_by=actor, decided_at=timezone.now())
    audit_log.record(actor, Action.UPDATE, "audits.plan_entry.added", plan, request=request,
                     summary=f"人工添加审计对象：{entry}", changes={"reason": reason})
    return entry


@transaction.atomic
def change_plan_status(plan, action, *, actor, request=None, approved_on=None, approval_ref="", reason=""):
    """submit / return / approve, by PLAN_MACHINE. Approval freezes the plan and opens an audit project
    (计划中) for each accepted entry."""
    plan = _lock_plan(plan)
    data = {"reason": reason, "approved_on": approved_on}
    PLAN_MACHINE.check(plan, action, data=data)
    if action in ("submit", "approve"):
        pending = plan.entries.filter(decision=EntryDecision.PROPOSED).count()
        if pending:
            raise Refused(f"尚有{pending}个审计对象未确定是否列入计划")
        if not plan.entries.filter(decision=EntryDecision.ACCEPTED).exists():
            raise Refused("计划中没有列入的审计对象")
    changes = PLAN_MACHINE.apply(plan, action, data=data)
    if action == "submit":
        plan.submitted_on = timezone.localdate()
    elif action == "return":
        changes["reason"] = reason.strip()
    elif action == "approve":
        plan.approved_on, plan.approval_ref, plan.approved_by = approved_on, approval_ref.strip(), actor
        changes["approval_ref"] = plan.approval_ref
    plan.save()
    audit_log.record(actor, Action.UPDATE, PLAN_EVENTS[action], plan, request=request,
                     summary=f"{plan}：{plan.get_status_display()}", changes=changes)
    if action == "approve":
        entries = plan.entries.filter(decision=EntryDecision.ACCEPTED, audit__isnull=True).select_related("cadre")
        for entry in entries:
            # The staff who drew up the plan handle its audits (the approver is usually the section head).
            create_audit(year=plan.year, unit=entry.unit, cadres=[entry.cadre], kind=entry.kind, mode=entry.mode,
                         category=entry.category, plan=plan, plan_entry=entry, handler=plan.created_by,
                         actor=actor, request=request)
    return plan


# ---------------------------------------------------------------------------------------------------------------
# Audit projects


CASE_NUMBER_SERIES = "audits.audit"  # core.models.YearlyCounter.series; JZSJ-<year>-<seq>


def _next_number(year, jurisdiction):
    """(seq, JZSJ-<year>-<seq>; a county's JZSJ-<county>-<year>-<seq>), gap-free (core.numbering)."""
    seq = numbering.next_number(CASE_NUMBER_SERIES, year, jurisdiction)
    return seq, f"JZSJ-{numbering.segment(jurisdiction)}{year}-{seq:03d}"


@transaction.atomic
def create_audit(*, year, unit, cadres, kind, mode, category=None, period_start=None, period_end=None,
                 auditing_body="", handler=None, plan=None, plan_entry=None, actor, request=None):
    """Open an audit project (计划中) of one cadre, or several for a 联审."""
    cadres = list(dict.fromkeys(cadres))
    if not cadres:
        raise Refused("请选择审计对象")
    if kind != AuditKind.JOINT and len(cadres) > 1:
        raise Refused("多名审计对象请选择“联审”")
    if period_start and period_end and period_end < period_start:
        raise Refused("审计期间止不能早于审计期间起")
    if category is None:
        classification = UnitClassification.objects.filter(unit=unit).first()
        category = classification.category if classification else ""
    seq, number = _next_number(year, numbering.jurisdiction_of(actor))
    audit = Audit.objects.create(
        number=number, year=year, seq=seq, plan=plan, plan_entry=plan_entry, unit=unit,
        kind=kind, mode=mode, category=category or "", period_start=period_start, period_end=period_end,
        auditing_body=auditing_body or "县审计局", handler=handler or actor, created_by=actor)
    AuditSubject.objects.bulk_create([
        AuditSubject(audit=audit, cadre=cadre, post_title=cadre.post_title, is_primary=(i == 0))
        for i, cadre in enumerate(cadres)])
    audit_log.record(actor, Action.CREATE, "audits.audit.created", audit, request=request,
                     summary=f"登记审计项目：{audit}（{'、'.join(c.name for c in cadres)}）")
    return audit


EDITABLE_FIELDS = ["period_start", "period_end", "auditing_body", "handler", "summary", "mode", "entry_date",
                   "draft_delivered_on", "comments_received_on", "comments_note", "report_date",
                   "result_report_date", "assessment", "violation_amount"]


def comment_due(audit, delivered_on):
    """The audited leader and unit comment in writing within N (default 10; the audited unit's jurisdiction's)
    days of receiving the draft audit report (审计报告征求意见稿); silence after that counts as no objection.
    Calendar days."""
    return add_calendar_days(delivered_on, AuditRules.for_unit(audit.unit_id).comment_days).date


@transaction.atomic
def update_audit(audit, *, actor, request=None, version=None, **values):
    """Change the facts of an audit that is not closed or cancelled; `version` as opened in the form (a save in
    between raises core.concurrency.EditConflict)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status in (AuditStatus.CLOSED, AuditStatus.CANCELLED):
        raise Refused(f"审计项目{audit.get_status_display()}，不能修改")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise Refused(f"不能修改：{'、'.join(sorted(unknown))}")
    if "violation_amount" in values:
        values["violation_amount"] = to_money(values["violation_amount"]) or Decimal("0.00")
    claim_version(audit, version, values)
    tracked = [*values, "comment_due"]
    old = {name: getattr(audit, name) for name in tracked}
    delivered_before = audit.draft_delivered_on
    for name, value in values.items():
        setattr(audit, name, value)
    _set_comment_due(audit, delivered_before)
    _check_dates(audit)
    audit.save()
    changes = audit_log.changed_fields(audit, old, tracked)
    if changes:
        audit_log.record(actor, Action.UPDATE, "audits.audit.changed", audit, request=request,
                         summary=f"修改审计项目：{audit}", changes=changes)
    return audit


def _set_comment_due(audit, delivered_before):
    """The comment deadline follows the delivery date of the draft report; it is kept while that date is unchanged,
    so a later change of the rule's days does not move a running deadline."""
    if audit.draft_delivered_on is None:
        audit.comment_due = None
    elif audit.comment_due is None or audit.draft_delivered_on != delivered_before:
        audit.comment_due = comment_due(audit, audit.draft_delivered_on)


def _check_dates(audit):
    if audit.period_start and audit.period_end and audit.period_end < audit.period_start:
        raise Refused("审计期间止不能早于审计期间起")
    if audit.entry_date and audit.report_date and audit.report_date < audit.entry_date:
        raise Refused("审计报告日期不能早于进点日期")
    if audit.draft_delivered_on:
        if audit.entry_date and audit.draft_delivered_on < audit.entry_date:
            raise Refused("征求意见稿送达日期不能早于进点日期")
        if audit.report_date and audit.report_date < audit.draft_delivered_on:
            raise Refused("审计报告日期不能早于征求意见稿送达日期")
        not_future(audit.draft_delivered_on, "征求意见稿送达日期")
    if audit.comments_received_on:
        if not audit.draft_delivered_on:
            raise Refused("请先填写征求意见稿送达日期")
        if audit.comments_received_on < audit.draft_delivered_on:
            raise Refused("书面意见反馈日期不能早于征求意见稿送达日期")
        not_future(audit.comments_received_on, "书面意见反馈日期")
    if audit.report_date and audit.result_report_date and audit.result_report_date < audit.report_date:
        raise Refused("结果报告日期不能早于审计报告日期")


def _needs(*names):
    """The facts a step brings, labelled as the audit's fields."""
    return {name: str(Audit._meta.get_field(name).verbose_name) for name in names}


# The one table of audit transitions, with the facts each step needs.
AUDIT_MACHINE = Machine(AuditStatus, [
    Transition("start", "进点实施", source=AuditStatus.PLANNED, target=AuditStatus.IN_PROGRESS,
               required=_needs("entry_date")),
    Transition("report", "出具审计报告", source=AuditStatus.IN_PROGRESS, target=AuditStatus.REPORTED,
               required=_needs("report_date", "assessment")),
    Transition("results", "出具结果报告", source=AuditStatus.REPORTED, target=AuditStatus.RESULTS,
               required=_needs("result_report_date")),
    Transition("close", "办结", source=AuditStatus.RESULTS, target=AuditStatus.CLOSED),
    Transition("cancel", "撤销", source=(AuditStatus.PLANNED, AuditStatus.IN_PROGRESS), target=AuditStatus.CANCELLED,
               required=_needs("cancel_reason")),
])


@transaction.atomic
def transition(audit, action, *, actor, request=None, **values):
    """Move an audit along AUDIT_MACHINE, recording the dates and facts the step brings."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    AUDIT_MACHINE.check(audit, action, data=values)
    if action == "close":
        open_count = audit.findings.active().filter(rectification.OPEN_Q).count()
        if open_count:
            raise Refused(f"尚有{open_count}个问题未完成整改，不能办结")
    if "violation_amount" in values:
        values["violation_amount"] = to_money(values["violation_amount"]) or Decimal("0.00")
    delivered_before = audit.draft_delivered_on
    for name, value in values.items():
        if name not in (*EDITABLE_FIELDS, "cancel_reason"):
            raise Refused(f"不能修改：{name}")
        setattr(audit, name, value)
    _set_comment_due(audit, delivered_before)
    _check_dates(audit)
    changes = AUDIT_MACHINE.apply(audit, action, data=values)
    audit.save()
    audit_log.record(actor, Action.UPDATE, AUDIT_EVENTS[action], audit, request=request,
                     summary=f"{audit}：{audit.get_status_display()}",
                     changes={**changes, **{k: str(v) for k, v in values.items()}})
    return audit


# ---------------------------------------------------------------------------------------------------------------
# Findings


@transaction.atomic
def add_finding(audit, *, category, description, responsibility, rectification_required, amount=None,
                responsible_cadre=None, start_date=None, deadline=None, actor, request=None):
    """Record a finding; its rectification deadline defaults to the rule's days (60) after the start date
    (the result report, else the audit report, else today) and can be set by hand."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not audit.is_open_for_findings:
        raise Refused(f"审计项目{audit.get_status_display()}，不能登记发现问题")
    if responsible_cadre is not None and not audit.subjects.filter(cadre=responsible_cadre).exists():
        raise Refused("责任干部须为本项目的审计对象")
    start_date = start_date or audit.result_report_date or audit.report_date or timezone.localdate()
    number = (audit.findings.aggregate(m=Max("number"))["m"] or 0) + 1
    finding = Finding(audit=audit, number=number, category=category, amount=to_money(amount),
                      description=description, responsibility=responsibility, responsible_cadre=responsible_cadre,
                      rectification_required=rectification_required, created_by=actor)
    rectification.start(finding, start_date, AuditRules.for_unit(audit.unit_id).rectification_days,
                        deadline=deadline)
    finding.save()
    audit_log.record(actor, Action.CREATE, "audits.finding.created", finding, request=request,
                     summary=f"登记审计发现问题：{finding}",
                     changes={"amount": str(finding.amount) if finding.amount is not None else None,
                              "deadline": str(finding.rectification_deadline)})
    return finding


def void_finding(finding, reason, *, actor, request=None):
    return rectification.void_item(finding, reason, noun="问题", actor=actor, request=request)


# ---------------------------------------------------------------------------------------------------------------
# Use of results

# Result kinds that are supervision measures of the cadres app; the others (取消评优评先资格, 纳入考核) stay here.
MEASURE_FOR_RESULT = {
    ResultKind.CRITICISM: MeasureKind.CRITICISM,
    ResultKind.ADMONISHMENT: MeasureKind.ADMONISHMENT,
    ResultKind.POST_ADJUSTMENT: MeasureKind.POST_ADJUSTMENT,
    ResultKind.DEMOTION: MeasureKind.DEMOTION,
    ResultKind.REMOVAL: MeasureKind.REMOVAL,
}
RESULT_STATUSES = (AuditStatus.REPORTED, AuditStatus.RESULTS, AuditStatus.CLOSED)


@transaction.atomic
def record_result(audit, cadre, *, kind, date, reason, actor, request=None):
    """Record a use of results for an audited cadre; measure kinds also create the cadre's supervision measure."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status not in RESULT_STATUSES:
        raise Refused("出具审计报告后才能登记结果运用")
    if not audit.subjects.filter(cadre=cadre).exists():
        raise Refused("只能对本项目的审计对象登记结果运用")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写事由")
    not_future(date, "日期")
    result = ResultUse(audit=audit, cadre=cadre, kind=kind, date=date, reason=reason, created_by=actor)
    measure_kind = MEASURE_FOR_RESULT.get(kind)
    if measure_kind:
        result.measure = record_measure(cadre, measure_kind, date, f"经济责任审计（{audit.number}）：{reason}",
                                        actor=actor, source_channel=SourceChannel.AUDIT, source=audit,
                                        request=request)
    result.save()
    audit_log.record(actor, Action.CREATE, "audits.result.created", result, request=request,
                     summary=f"结果运用：{cadre} {result.get_kind_display()}（{audit.number}）")
    return result


@transaction.atomic
def void_result(result, reason, *, actor, request=None):
    """A use of results is never deleted: it is voided with a reason and kept in the record. The supervision
    measure it created in the cadres app is voided with it (through cadres.services.void_measure), so that no
    impact period runs on a voided result; a measure already voided from the cadre's profile is left as it is."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写作废原因")
    result = (ResultUse.objects.select_for_update(of=("self",)).select_related("audit", "cadre", "measure")
              .get(pk=result.pk))
    if result.is_void:
        raise Refused("该结果运用已作废")
    result.voided_at, result.void_reason, result.voided_by = timezone.now(), reason[:200], actor
    result.save(update_fields=["voided_at", "void_reason", "voided_by"])
    measure_voided = result.measure is not None and not result.measure.is_void
    if measure_voided:
        try:
            void_measure(result.measure, f"经济责任审计结果运用作废（{result.audit.number}）：{reason}"[:200],
                         actor=actor, request=request)
        except ValueError as error:  # voided from the profile a moment ago
            raise Refused(str(error)) from None
    audit_log.record(actor, Action.UPDATE, "audits.result.voided", result, request=request,
                     summary=f"作废结果运用：{result.cadre} {result.get_kind_display()}（{result.audit.number}）"
                             + ("，同时作废干部监督措施" if measure_voided else ""),
                     changes={"void_reason": [None, result.void_reason], "measure_voided": measure_voided})
    return result
