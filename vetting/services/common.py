"""What every vetting service shares: the case lock, the open-step check, the case record (StepEvent and audit
log), the case number, and the services' today (`today`, which the tests set: call it as `common.today()`)."""

from django.utils import timezone

from core import audit, numbering, refusals
from core.refusals import Refused
from vetting import permissions, workflow
from vetting.models import (
    StepEvent,
    StepKind,
    VettingCase,
)


def today():
    return timezone.localdate()


def lock_case(case):
    return VettingCase.objects.select_for_update().select_related("cadre", "proposed_unit").get(pk=case.pk)


def require_step_open(case, step, actor=None):
    """Refuse a change to a closed case, to a step of another stage, or (with `actor`) by a user who does not
    handle cases."""
    if actor is not None and not permissions.can_handle(actor):
        raise Refused("只有监督科工作人员或科室负责人可以录入", code="denied")
    if case.is_closed:
        raise Refused(f"案件已{case.get_status_display()}，任何环节均不能再修改", code="closed")
    if case.status not in workflow.STEP_STAGES[step]:
        raise Refused(f"案件当前处于“{case.get_status_display()}”，不能录入{StepKind(step).label}", code="step")


def log_step(case, step, verb, actor, *, event, detail="", changes=None, request=None, action=audit.Action.UPDATE):
    """Append to the case record and the audit log. Detail text never holds informant identities."""
    StepEvent.objects.create(case=case, step=step, verb=verb, detail=detail[:2000], changes=changes or {},
                             actor=actor, actor_name=getattr(actor, "display_name", "") if actor else "")
    audit.record(actor, action, event, case, request=request, summary=f"{case.number} {verb}"[:500],
                 changes=changes)


def stamp(record, actor):
    record.recorded_by = actor
    record.recorded_at = timezone.now()


def field_values(instance, fields):
    out = {}
    for field in fields:
        value = getattr(instance, field)
        out[field] = value if isinstance(value, int | bool | type(None) | list) else str(value)
    return out


CASE_NUMBER_SERIES = "vetting.case"  # core.models.YearlyCounter.series


def next_case_number(year, jurisdiction):
    """RQ-<year>-<4 digits>, a county's RQ-<county>-<year>-<4 digits>, gap-free (core.numbering)."""
    seq = numbering.next_number(CASE_NUMBER_SERIES, year, jurisdiction)
    return f"RQ-{numbering.segment(jurisdiction)}{year}-{seq:04d}"


def require(check, user, message):
    if not check(user):
        raise Refused(message, code="denied")


def not_future(day, label):
    """core.refusals.not_future against the services' today (which the tests set)."""
    refusals.not_future(day, label, today=today())


def crosscheck_mark(item):
    if not item.blocking:
        return "【提示】"
    return "【阻止·已经部领导批准】" if item.overridden else "【阻止】"


def log_crosscheck(case, check, actor, request=None):
    items = list(check.items.all())
    blocking = sum(1 for i in items if i.blocking)
    detail = "；".join(f"{crosscheck_mark(i)}{i.label}：{i.reason}" for i in items)
    detail = detail or "未发现预警事项"
    log_step(case, StepKind.CROSSCHECK, f"预警核对（{check.get_occasion_display()}）", actor,
             event="vetting.crosscheck.performed", detail=detail, changes={"items": len(items), "blocking": blocking},
             request=request)
