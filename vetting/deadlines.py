"""Deadline providers for the core scan (set-based, core.deadlines.Query): the 纪委监委 opinion and other
opinion replies, the end of publicity, and the end of probation (reminded 30 days ahead by default); and the
recompute of those deadlines when the holiday schedule changes."""

from core import workdays
from core.deadlines import Query
from vetting.models import Appointment, CaseStatus, DisciplineOpinion, OpinionRequest, Publicity, VettingSettings
from vetting.models.steps import Department
from vetting.workflow import publicity_min_end


def _mark(provisional):
    """（暂定） after a date that depends on a year whose holiday schedule is not entered yet."""
    return f"CASE WHEN {provisional} THEN '（暂定）' ELSE '' END"


def _step(q, kind, table, due, what, *, where="", notice_days=None):
    """One step of open cases in `status`'s stage due near `on_date`: to the case's handler, linking to the case.
    `what` is the SQL text between the case (number and candidate) and the date."""
    return q.rows(f"""
        SELECT '{kind}' AS kind, vc.handler_id AS recipient_id, s.id AS target_id, s.{due} AS due_date,
               {q.level(f"s.{due}", notice_days)} AS level,
               vc.number || ' ' || c.name || '：' || {what} AS title,
               {q.url("vetting:case", "vc.number", samples=["RQ-9999-999999"])} AS url
        FROM {table} s JOIN vetting_vettingcase vc ON vc.id = s.case_id JOIN cadres_cadre c ON c.id = vc.cadre_id
        WHERE {where} s.{due} <= %(on_date)s + {notice_days or "%(notice_days)s"}
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def discipline_replies(on_date):
    q = Query(DisciplineOpinion, on_date)
    q.params["status"] = CaseStatus.INSPECTION
    yield _step(q, "vetting.discipline_reply", "vetting_disciplineopinion", "reply_deadline",
                f"'纪委监委党风廉政意见答复期限' || {q.ymd('s.reply_deadline')} "
                f"|| {_mark('s.reply_deadline_provisional')}",
                where="s.replied_on IS NULL AND vc.status = %(status)s AND")


def opinion_replies(on_date):
    q = Query(OpinionRequest, on_date)
    q.params.update(status=CaseStatus.INSPECTION, other=Department.OTHER)
    department = (f"CASE WHEN s.department = %(other)s AND s.department_name <> '' THEN s.department_name "
                  f"ELSE {q.label('s.department', OpinionRequest, 'department')} END")
    yield _step(q, "vetting.opinion_reply", "vetting_opinionrequest", "reply_deadline",
                f"{department} || '征求意见答复期限' || {q.ymd('s.reply_deadline')} "
                f"|| {_mark('s.reply_deadline_provisional')}",
                where="s.replied_on IS NULL AND vc.status = %(status)s AND")


def publicity_ends(on_date):
    q = Query(Publicity, on_date)
    q.params["status"] = CaseStatus.PUBLICITY
    yield _step(q, "vetting.publicity_end", "vetting_publicity", "end_date",
                f"'任前公示' || {q.ymd('s.end_date')} || '期满' || {_mark('s.end_provisional')} "
                f"|| '，请核查反映并认定结果'",
                where="vc.status = %(status)s AND")


def probation_ends(on_date):
    q = Query(Appointment, on_date)
    q.params["status"] = CaseStatus.PROBATION
    # the notice period of the case's jurisdiction (its proposed post's county, else the city's)
    notice = q.setting(VettingSettings, "probation_notice_days", "vc.proposed_unit_id")
    yield _step(q, "vetting.probation_end", "vetting_appointment", "probation_end",
                f"'试用期' || {q.ymd('s.probation_end')} || '期满，请组织考核'",
                where="vc.status = %(status)s AND s.probation_result = '' AND", notice_days=notice)


PROVIDERS = (discipline_replies, opinion_replies, publicity_ends, probation_ends)


# --- provisional deadlines --------------------------------------------------------------------------------------

@workdays.register_recompute
def recompute_for_schedule(first, last):
    """core.workdays hook: reply deadlines (N working days after the request) and publicity ends (start + N working
    days) counted from on or before `last` that end on or after `first` follow the changed holiday schedule."""
    moves = []
    for model, label in ((OpinionRequest, "征求意见答复期限"), (DisciplineOpinion, "纪检监察机关回复期限")):
        reaching = (model.objects.filter(requested_on__lte=last, reply_deadline__gte=first)
                    .select_related("case__handler").select_for_update(of=("self",)))
        for item in reaching:
            due = workdays.add_working_days(item.requested_on, item.reply_days)
            if (due.date, due.provisional) == (item.reply_deadline, item.reply_deadline_provisional):
                continue
            old = item.reply_deadline
            model.objects.filter(pk=item.pk).update(reply_deadline=due.date,
                                                    reply_deadline_provisional=due.provisional)
            if due.date != old and item.replied_on is None:
                moves.append(_move(item.case, f"{model._meta.model_name}_{item.pk}", label, old, due))
    reaching = (Publicity.objects.filter(start_date__lte=last, end_date__gte=first)
                .select_related("case__handler").select_for_update(of=("self",)))
    for publicity in reaching:
        move = _recompute_publicity(publicity)
        if move and not publicity.outcome:
            moves.append(move)
    return moves


def _recompute_publicity(publicity):
    """The minimum end follows the schedule; an end chosen at the minimum (or now below it) moves with it."""
    due = publicity_min_end(publicity.case, publicity.start_date)
    old_end = publicity.end_date
    end = due.date if old_end == publicity.min_end_date or old_end < due.date else old_end
    provisional = due.provisional and end == due.date
    if (due.date, end, provisional) == (publicity.min_end_date, old_end, publicity.end_provisional):
        return None
    Publicity.objects.filter(pk=publicity.pk).update(min_end_date=due.date, end_date=end, end_provisional=provisional)
    if end == old_end:
        return None
    return _move(publicity.case, "publicity_end", "任前公示结束日期", old_end,
                 workdays.Deadline(end, provisional))


def _move(case, field, label, old, due):
    return workdays.Move(case, field, label, old, due.date, due.provisional, (case.handler,),
                         f"任前把关 {case.number}", case.get_absolute_url())
