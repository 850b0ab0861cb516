"""Opening a case and moving it between stages: `transition` is the only place a case's status changes."""

from django.db import transaction

from core import audit, numbering
from core.refusals import Refused
from vetting import permissions, workflow
from vetting.audit_events import STATUS_EVENTS
from vetting.crosscheck import run_crosscheck
from vetting.models import (
    CaseStatus,
    CrossCheck,
    StepKind,
    VettingCase,
)
from vetting.services import common
from vetting.services.common import lock_case, log_crosscheck, log_step, next_case_number, not_future, require

S = CaseStatus


# --- opening and moving a case ----------------------------------------------------------------------------------

@transaction.atomic
def open_case(*, cadre, proposed_unit, proposed_title, proposed_rank, move_kind, handler, actor,
              is_elected_post=False, is_principal_post=False, batch=None, opened_on=None, request=None):
    """Start vetting a candidate; the cross-check against the cadres hub runs at once."""
    require(permissions.can_handle, actor, "只有监督科工作人员或科室负责人可以启动任前把关")
    if VettingCase.objects.open().filter(cadre=cadre).exclude(status=S.PROBATION).exists():
        raise Refused(f"{cadre.name}已有正在办理的任前把关案件")
    opened_on = opened_on or common.today()
    not_future(opened_on, "启动日期")
    case = VettingCase.objects.create(
        number=next_case_number(opened_on.year, numbering.jurisdiction_of(actor)), cadre=cadre,
        proposed_unit=proposed_unit,
        proposed_title=proposed_title, proposed_rank=proposed_rank, move_kind=move_kind,
        is_elected_post=is_elected_post, is_principal_post=is_principal_post, batch=batch, handler=handler,
        opened_on=opened_on, created_by=actor,
        probation_required=(move_kind == "promotion" and not is_elected_post),
    )
    log_step(case, StepKind.CASE, "启动任前把关", actor, event="vetting.case.opened", action=audit.Action.CREATE,
             detail=f"人选{cadre.name}，拟任{proposed_unit.display_name}{proposed_title}（{case.get_move_kind_display()}）"
                    f"，经办人{handler.display_name}", request=request)
    check = run_crosscheck(case, CrossCheck.Occasion.OPENING, actor=actor, on_date=opened_on)
    log_crosscheck(case, check, actor, request)
    return case


@transaction.atomic
def transition(case, action, *, actor, target=None, reason="", request=None, on_date=None):
    """The only place a case's status changes: `action` of workflow.MACHINE (its target named when it has several),
    then what the target stage needs (workflow.gaps_for)."""
    case = lock_case(case)
    from_status = case.status
    row = workflow.MACHINE.check(case, action, actor, target=target, data={"reason": reason})
    to_status = target or row.target[0]
    if action == "resume" and to_status != case.suspended_from:
        raise Refused(f"暂缓的案件只能恢复到暂缓前的环节“{S(case.suspended_from).label}”", code="state")
    gaps = workflow.gaps_for(case, to_status, on_date=on_date)
    if gaps:
        raise Refused("；".join(gaps), code="incomplete")
    if to_status == S.SUSPENDED:
        case.suspended_from = from_status
    elif from_status == S.SUSPENDED:
        case.suspended_from = ""
    if to_status in (S.SUSPENDED, S.TERMINATED):
        case.status_reason = reason.strip()
    changes = workflow.MACHINE.apply(case, action, target=to_status, data={"reason": reason})
    if case.is_closed:
        case.closed_on = on_date or common.today()
    case.save(update_fields=["status", "suspended_from", "status_reason", "closed_on", "updated_at"])
    verb = f"{S(from_status).label} → {S(to_status).label}"
    log_step(case, StepKind.CASE, verb, actor, event=STATUS_EVENTS[to_status], detail=reason.strip(),
             changes=changes, request=request)
    return case


@transaction.atomic
def suspend(case, reason, *, actor, request=None):
    return transition(case, "suspend", actor=actor, reason=reason, request=request)


@transaction.atomic
def resume(case, reason, *, actor, request=None):
    locked = lock_case(case)
    return transition(locked, "resume", target=locked.suspended_from or None, actor=actor, reason=reason,
                      request=request)


@transaction.atomic
def terminate(case, reason, *, actor, request=None):
    return transition(case, "terminate", actor=actor, reason=reason, request=request)
