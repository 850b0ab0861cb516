"""任前廉政谈话, the cross-check at the gates (and the 部领导's approval over it), 任职 and the 试用期 assessment."""

from django.db import transaction
from django.utils import timezone

from cadres import services as cadre_services
from cadres.dates import add_months
from cadres.models import Rank
from core.concurrency import LATEST
from core.refusals import Refused
from vetting import permissions, posts, ranks, workflow
from vetting.crosscheck import run_crosscheck
from vetting.models import (
    Appointment,
    CaseStatus,
    CrossCheck,
    IntegrityTalk,
    ProbationResult,
    StepKind,
)
from vetting.services import common
from vetting.services.common import lock_case, log_crosscheck, log_step, not_future, require, require_step_open, stamp
from vetting.services.lifecycle import transition

S = CaseStatus


# --- 任前廉政谈话, 任职, 试用期 --------------------------------------------------------------------------------------

@transaction.atomic
def record_talk(case, *, talk_date, bodies, talkers, key_points, pledge=None, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.TALK, actor)
    not_future(talk_date, "谈话日期")
    talk = IntegrityTalk.objects.filter(case=case).first() or IntegrityTalk(case=case)
    if pledge is None and not talk.pledge:
        raise Refused("请上传签字的廉政承诺书")
    talk.talk_date, talk.bodies, talk.talkers, talk.key_points = talk_date, list(bodies), talkers, key_points
    if pledge is not None:
        talk.pledge = pledge
        talk.pledge_name = pledge.name[:200]
    stamp(talk, actor)
    talk.save()
    log_step(case, StepKind.TALK, "录入任前廉政谈话", actor, event="vetting.talk.recorded",
             detail=f"{talk_date:%Y-%m-%d}，谈话主体：{'、'.join(talk.body_labels())}，谈话人：{talkers}；"
                    f"廉政承诺书已签字（{talk.pledge_name}）", request=request)
    return talk


@transaction.atomic
def override_blocking(case, reason, *, actor, request=None):
    """A 部领导's written decision that the blocking items of the latest cross-check do not stop the appointment.
    The approval names those items (CrossCheck.overridden_keys): later cross-checks carry it for them only, so a
    blocker found afterwards needs an approval of its own."""
    require(permissions.can_override_block, actor, "阻止任职的预警事项只能由部领导书面批准")
    case = lock_case(case)
    if case.is_closed:
        raise Refused("案件已办结", code="closed")
    check = workflow.latest_crosscheck(case)
    blocking = workflow.unresolved_blocking(case)
    if not blocking:
        raise Refused("没有待批准的阻止任职事项")
    if not reason.strip():
        raise Refused("请填写书面意见")
    check.override_reason, check.overridden_by, check.overridden_at = reason.strip(), actor, timezone.now()
    check.overridden_keys = sorted({item.key for item in blocking})
    check.save(update_fields=["override_reason", "overridden_by", "overridden_at", "overridden_keys"])
    check.items.filter(pk__in=[item.pk for item in blocking]).update(overridden=True)
    log_step(case, StepKind.CROSSCHECK, "部领导批准：预警事项不影响任职", actor, event="vetting.crosscheck.overridden",
             detail=f"{'；'.join(i.label + '：' + i.reason for i in blocking)}。书面意见：{reason.strip()}",
             changes={"override_reason": reason.strip(), "items": [i.label for i in blocking],
                      "keys": check.overridden_keys}, request=request)
    return check


@transaction.atomic
def rerun_crosscheck(case, *, actor, request=None):
    require(permissions.can_handle, actor, "无权办理")
    case = lock_case(case)
    if case.is_closed:
        raise Refused("案件已办结", code="closed")
    check = run_crosscheck(case, CrossCheck.Occasion.MANUAL, actor=actor, on_date=common.today())
    log_crosscheck(case, check, actor, request)
    return check


def _check_now(case, occasion, step, actor, request, precheck=None):
    """The cross-check again at the moment of a gate (任职, 试用期满正式任职), not the one stored before publicity: a
    measure, petition or audit recorded since blocks until a 部领导 approves it. Committed on its own, so a refused
    action still leaves on the case what it found (the page then offers the 部领导's approval, lists count the case
    as blocked); the action, in its own transaction, then reads this check under the case lock. `precheck(case)`
    refuses first what would refuse the action anyway, so that no check is left for an action that could not be."""
    with transaction.atomic():
        locked = lock_case(case)
        require_step_open(locked, step)
        if precheck is not None:
            precheck(locked)
        check = run_crosscheck(locked, occasion, actor=actor, on_date=common.today())
        log_crosscheck(locked, check, actor, request)
    blocking = [item for item in check.items.all() if item.blocking and not item.overridden]
    if blocking:
        raise Refused(workflow.blocking_gap(blocking), code="incomplete")


def appoint(case, *, appointed_on, document_no="", actor, request=None):
    """任职, confirmed by a 部领导: the case goes to 试用期 (提拔 to a non-elected post) or straight to 已任职. The
    blocking rules are evaluated now (_check_now), whatever was found before publicity."""
    require(permissions.can_appoint, actor, "任职须由部领导确认")
    not_future(appointed_on, "任职日期")
    _check_now(case, CrossCheck.Occasion.APPOINTMENT, StepKind.APPOINTMENT, actor, request,
               precheck=lambda locked: _appointment_date_check(locked, appointed_on))
    return _record_appointment(case, appointed_on=appointed_on, document_no=document_no, actor=actor,
                               request=request)


def _appointment_date_check(case, appointed_on):
    talk = getattr(case, "talk", None)
    if talk is not None and appointed_on < talk.talk_date:
        raise Refused("任职日期不能早于任前廉政谈话日期")


@transaction.atomic
def _record_appointment(case, *, appointed_on, document_no, actor, request):
    case = lock_case(case)
    require_step_open(case, StepKind.APPOINTMENT)
    _appointment_date_check(case, appointed_on)
    settings = workflow.settings_of(case)
    appointment = Appointment(case=case, appointed_on=appointed_on, document_no=document_no)
    if case.probation_required:
        appointment.probation_end = add_months(appointed_on, settings.probation_months)
    stamp(appointment, actor)
    appointment.save()
    target = S.PROBATION if case.probation_required else S.APPOINTED
    case = transition(case, "appoint", target=target, actor=actor, request=request, on_date=appointed_on)
    trial = f"，试用期至{appointment.probation_end:%Y-%m-%d}" if appointment.probation_end else ""
    log_step(case, StepKind.APPOINTMENT, "任职", actor, event="vetting.case.appointment_recorded",
             detail=f"{appointed_on:%Y-%m-%d}任{case.proposed_unit.display_name}{case.proposed_title}"
                    f"{('（' + document_no + '）') if document_no else ''}{trial}", request=request)
    _update_cadre_post(case, appointment, actor, request)
    return appointment


def _update_cadre_post(case, appointment, actor, request):
    """Keep the cadre's post in step through the cadres public service, when it offers one."""
    change_post = getattr(cadre_services, "change_post", None)
    if change_post is None:
        return
    status = "probation" if case.probation_required else "serving"
    try:
        with transaction.atomic():
            change_post(case.cadre, actor=actor, unit=case.proposed_unit, post_title=case.proposed_title,
                        rank=case.proposed_rank, start_date=appointment.appointed_on, status=status,
                        is_principal=case.is_principal_post, request=request)
    except ValueError as error:
        # The appointment is a fact and stays recorded; the cadre's post is left for the cadres office to fix.
        log_step(case, StepKind.APPOINTMENT, "干部现任职务未能同步", actor, event="vetting.case.cadre_sync_failed",
                 detail=str(error), request=request)
        return
    appointment.cadre_updated = True
    appointment.save(update_fields=["cadre_updated"])


def assess_probation(case, *, result, assessed_on, note, actor, arranged_unit=None, arranged_title="",
                     arranged_rank="", request=None):
    """At the end of the probation: 胜任 → 正式任职; 不胜任 → 免去试任职务 and work arranged at a rank no lower than
    the one held before the trial (《党政领导干部选拔任用工作条例》: 免去试任职务，一般按照试任前职级安排工作). The
    arranged post starts on `assessed_on` through cadres.services.change_post, so the position history stays the
    one record of posts; a refused post change refuses the whole assessment. 胜任 is a gate: the blocking rules
    are evaluated now (_check_now)."""
    require(permissions.can_assess_probation, actor, "无权办理")
    not_future(assessed_on, "考核日期")
    if result == ProbationResult.COMPETENT:
        _check_now(case, CrossCheck.Occasion.CONFIRMATION, StepKind.PROBATION, actor, request,
                   precheck=lambda locked: _probation_over_check(locked, assessed_on))
    return _record_probation_result(case, result=result, assessed_on=assessed_on, note=note, actor=actor,
                                    arranged_unit=arranged_unit, arranged_title=arranged_title,
                                    arranged_rank=arranged_rank, request=request)


@transaction.atomic
def _record_probation_result(case, *, result, assessed_on, note, actor, arranged_unit, arranged_title, arranged_rank,
                             request):
    case = lock_case(case)
    require_step_open(case, StepKind.PROBATION, actor)
    appointment = case.appointment
    if result == ProbationResult.COMPETENT:
        _probation_over_check(case, assessed_on)
    if not note.strip():
        raise Refused("请填写考核情况")
    arranged = None
    if result == ProbationResult.INCOMPETENT:
        arranged = _arranged_post(case, appointment, arranged_unit, (arranged_title or "").strip(), arranged_rank,
                                  assessed_on)
    appointment.probation_result, appointment.assessed_on = result, assessed_on
    appointment.assessment_note, appointment.assessed_by = note.strip(), actor
    appointment.save(update_fields=["probation_result", "assessed_on", "assessment_note", "assessed_by"])
    log_step(case, StepKind.PROBATION, f"试用期考核：{appointment.get_probation_result_display()}", actor,
             event="vetting.probation.assessed", detail=note.strip(), request=request)
    target = S.APPOINTED if result == ProbationResult.COMPETENT else S.TRIAL_REMOVED
    case = transition(case, "assess_probation", target=target, actor=actor, request=request, on_date=assessed_on)
    if arranged is not None:
        _remove_trial_post(case, arranged, assessed_on, actor, request)
    else:
        update = getattr(cadre_services, "update_cadre", None)
        if update is not None:
            update(case.cadre, actor=actor, request=request, status="serving", version=LATEST)
    return appointment


def _probation_over_check(case, assessed_on):
    end = case.appointment.probation_end
    if assessed_on < end:
        raise Refused(f"试用期至{end:%Y-%m-%d}，期满后方可认定胜任、正式任职")


def _arranged_post(case, appointment, unit, title, rank, assessed_on):
    if unit is None or not title or not rank:
        raise Refused("试用期不胜任的，须免去试任职务并安排工作：请填写安排的单位、职务和职级")
    if assessed_on <= appointment.appointed_on:
        raise Refused("免去试任职务的日期应晚于任职日期")
    before = posts.pre_trial_post(case, appointment)
    if before is not None and before.rank:
        before_rank = before.rank
    else:
        case.post_at_opening_display  # noqa: B018 (loads rank_at_opening from the position history)
        before_rank = case.rank_at_opening or ""
    if before_rank and not ranks.not_lower(rank, before_rank):
        raise Refused(f"安排的职级（{Rank(rank).label}）低于试任前职级（{Rank(before_rank).label}），"
                           "应按照不低于试任前职级安排工作")
    return {"unit": unit, "post_title": title, "rank": rank, "before_rank": before_rank}


def _remove_trial_post(case, arranged, on_date, actor, request):
    """免去试任职务: end the trial post and open the arranged one (cadres.services.change_post, audit-logged there)."""
    unit, title, rank = arranged["unit"], arranged["post_title"], arranged["rank"]
    try:
        cadre_services.change_post(case.cadre, actor=actor, unit=unit, post_title=title, rank=rank,
                                   start_date=on_date, status="serving", is_principal=False, request=request)
    except ValueError as error:
        raise Refused(f"免去试任职务未能完成：{error}") from error
    before = f"（试任前职级{Rank(arranged['before_rank']).label}）" if arranged["before_rank"] else ""
    log_step(case, StepKind.PROBATION, "免去试任职务，按试任前职级安排工作", actor,
             event="vetting.probation.trial_post_removed",
             detail=f"{on_date:%Y-%m-%d}免去{case.proposed_unit.display_name}{case.proposed_title}（试任），"
                    f"安排为{unit.display_name}{title}（{Rank(rank).label}）{before}",
             changes={"trial_post": f"{case.proposed_unit.display_name}{case.proposed_title}",
                      "arranged_post": f"{unit.display_name}{title}", "arranged_rank": rank,
                      "before_rank": arranged["before_rank"]}, request=request)
