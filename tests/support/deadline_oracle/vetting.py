"""Deadline providers for the core scan: the 纪委监委 opinion and other opinion replies, the end of publicity, and
the end of probation (reminded 30 days ahead by default); and the recompute of those deadlines when the holiday
schedule changes."""

from core.deadlines import Due, level_for
from vetting.models import Appointment, CaseStatus, DisciplineOpinion, OpinionRequest, Publicity, VettingSettings


def _mark(provisional):
    return "（暂定）" if provisional else ""


def discipline_replies(on_date):
    waiting = DisciplineOpinion.objects.filter(replied_on__isnull=True, case__status=CaseStatus.INSPECTION)
    for item in waiting.select_related("case__cadre", "case__handler"):
        level = level_for(item.reply_deadline, on_date)
        if level is None:
            continue
        case = item.case
        yield Due(kind="vetting.discipline_reply", target=item, due_date=item.reply_deadline, level=level,
                  title=f"{case.number} {case.cadre.name}：纪委监委党风廉政意见答复期限"
                        f"{item.reply_deadline:%Y-%m-%d}{_mark(item.reply_deadline_provisional)}",
                  recipients=(case.handler,), url=case.get_absolute_url())


def opinion_replies(on_date):
    waiting = OpinionRequest.objects.filter(replied_on__isnull=True, case__status=CaseStatus.INSPECTION)
    for item in waiting.select_related("case__cadre", "case__handler"):
        level = level_for(item.reply_deadline, on_date)
        if level is None:
            continue
        case = item.case
        yield Due(kind="vetting.opinion_reply", target=item, due_date=item.reply_deadline, level=level,
                  title=f"{case.number} {case.cadre.name}：{item.department_label}征求意见答复期限"
                        f"{item.reply_deadline:%Y-%m-%d}{_mark(item.reply_deadline_provisional)}",
                  recipients=(case.handler,), url=case.get_absolute_url())


def publicity_ends(on_date):
    running = Publicity.objects.filter(case__status=CaseStatus.PUBLICITY).select_related("case__cadre",
                                                                                          "case__handler")
    for publicity in running:
        level = level_for(publicity.end_date, on_date)
        if level is None:
            continue
        case = publicity.case
        yield Due(kind="vetting.publicity_end", target=publicity, due_date=publicity.end_date, level=level,
                  title=f"{case.number} {case.cadre.name}：任前公示{publicity.end_date:%Y-%m-%d}期满"
                        f"{_mark(publicity.end_provisional)}，请核查反映并认定结果",
                  recipients=(case.handler,), url=case.get_absolute_url())


def probation_ends(on_date):
    notice_days = VettingSettings.current().probation_notice_days
    running = Appointment.objects.filter(case__status=CaseStatus.PROBATION, probation_end__isnull=False,
                                         probation_result="").select_related("case__cadre", "case__handler")
    for appointment in running:
        level = level_for(appointment.probation_end, on_date, notice_days=notice_days)
        if level is None:
            continue
        case = appointment.case
        yield Due(kind="vetting.probation_end", target=appointment, due_date=appointment.probation_end, level=level,
                  title=f"{case.number} {case.cadre.name}：试用期{appointment.probation_end:%Y-%m-%d}期满，请组织考核",
                  recipients=(case.handler,), url=case.get_absolute_url())


PROVIDERS = (discipline_replies, opinion_replies, publicity_ends, probation_ends)
