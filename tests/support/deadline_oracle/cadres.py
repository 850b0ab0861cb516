"""Deadline providers of the cadres app before the scan became set-based (oracle)."""

from django.urls import reverse

from cadres.models import MeasureKind, SupervisionMeasure
from cadres.personal_matters import missing_reports, pending_reports, report_due_date
from core.deadlines import Covering, Due, level_for


def inquiry_replies(on_date):
    """函询 delivered and not answered: due soon, due today, overdue."""
    covering = Covering()  # whoever entered the 函询 while active, else the office users covering the cadre
    pending = (SupervisionMeasure.objects.filter(kind=MeasureKind.INQUIRY, voided_at__isnull=True,
                                                 replied_on__isnull=True, reply_due__isnull=False)
               .select_related("cadre__unit", "created_by"))
    for measure in pending:
        level = level_for(measure.reply_due, on_date)
        if level is None:
            continue
        recipients = covering.author_or_covering(measure.created_by, measure.cadre.unit)
        mark = "（暂定）" if measure.reply_due_provisional else ""
        yield Due(kind="cadres.inquiry_reply", target=measure, due_date=measure.reply_due, level=level,
                  title=f"函询答复：{measure.cadre.name}，期限{measure.reply_due:%Y-%m-%d}{mark}",
                  recipients=recipients, url=measure.cadre.get_absolute_url())


def personal_matters_reports(on_date):
    """The annual report due 31 January: a reminder before it, then each missing one once overdue (that year)."""
    due = report_due_date(on_date.year)
    level = level_for(due, on_date)
    if level is None:
        return
    covering = Covering()
    for cadre in missing_reports(on_date.year).select_related("unit"):
        yield Due(kind="cadres.personal_matters_report", target=cadre, due_date=due, level=level,
                  title=f"个人有关事项报告：{cadre.name}（{cadre.unit.display_name}）{on_date.year}年度集中报告"
                        f"{'未按期报告' if due < on_date else '即将截止'}",
                  recipients=covering(cadre.unit),
                  url=reverse("cadres:profile", args=[cadre.code]) + "#personal-matters")


def change_and_new_reports(on_date):
    """事项变化/新任 reports owed (registered with personal_matters.expect_report): due 30 days after the event."""
    covering = Covering()
    for report in pending_reports().select_related("cadre__unit", "created_by"):
        level = level_for(report.due_on, on_date)
        if level is None:
            continue
        recipients = covering.author_or_covering(report.created_by, report.cadre.unit)
        yield Due(kind="cadres.change_report", target=report, due_date=report.due_on, level=level,
                  title=f"个人有关事项{report.get_kind_display()}：{report.cadre.name}，"
                        f"期限{report.due_on:%Y-%m-%d}{'（已逾期）' if report.due_on < on_date else ''}",
                  recipients=recipients, url=reverse("cadres:profile", args=[report.cadre.code]) + "#personal-matters")
