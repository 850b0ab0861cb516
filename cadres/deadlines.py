"""Deadline providers of the cadres app for the core scan (set-based, core.deadlines.Query; registered in
CadresConfig.ready)."""

from cadres.models import (
    Cadre,
    CadreSettings,
    CadreStatus,
    MeasureKind,
    PersonalMattersReport,
    ReportKind,
    SupervisionMeasure,
)
from cadres.personal_matters import report_due_date
from core.deadlines import Query, level_for


def inquiry_replies(on_date):
    """函询 delivered and not answered: due soon, due today, overdue. To whoever entered the 函询 while active,
    else the office users covering the cadre."""
    q = Query(SupervisionMeasure, on_date)
    q.params["inquiry"] = MeasureKind.INQUIRY
    yield q.rows(f"""
        SELECT 'cadres.inquiry_reply' AS kind, r.recipient_id, m.id AS target_id, m.reply_due AS due_date,
               {q.level("m.reply_due")} AS level,
               '函询答复：' || c.name || '，期限' || {q.ymd("m.reply_due")}
                   || CASE WHEN m.reply_due_provisional THEN '（暂定）' ELSE '' END AS title,
               {q.url("cadres:profile", "c.code")} AS url
        FROM cadres_supervisionmeasure m JOIN cadres_cadre c ON c.id = m.cadre_id
        {q.author_or_covering("m.created_by_id", "c.unit_id")}
        WHERE m.kind = %(inquiry)s AND m.voided_at IS NULL AND m.replied_on IS NULL AND m.reply_due <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def personal_matters_reports(on_date):
    """The annual report due 31 January: a reminder before it, then each missing one once overdue (that year), to
    the office users covering the cadre. Missing: in the reporting scope, not retired, no annual report that year.
    The due date is the one of the cadre's jurisdiction: one statement per county with its own date, and one for
    the cadres under the city's."""
    default, counties = CadreSettings.rows()
    taken = []
    for row in counties:
        yield from _annual_reports(on_date, row, row.jurisdiction.path, [p for p in taken if p.startswith(
            row.jurisdiction.path)])
        taken.append(row.jurisdiction.path)
    yield from _annual_reports(on_date, default, "", taken)


def _annual_reports(on_date, settings, path, except_paths):
    due = report_due_date(on_date.year, settings)
    level = level_for(due, on_date)
    if level is None:
        return
    q = Query(Cadre, on_date)
    q.params.update(due=due, level=level, year=on_date.year, annual=ReportKind.ANNUAL, retired=CadreStatus.RETIRED,
                    text=f"{on_date.year}年度集中报告{'未按期报告' if due < on_date else '即将截止'}",
                    path=f"{path}%", except_paths=[f"{other}%" for other in except_paths])
    # The cadres missing their report first (one anti-join), then their recipients: not the cadres of each unit
    # once per user covering it.
    q.ctes["annual_missing"] = """
        SELECT c.id, c.code, c.name, c.unit_id FROM cadres_cadre c JOIN core_unit u ON u.id = c.unit_id
        WHERE c.reports_personal_matters AND c.status <> %(retired)s
          AND u.path LIKE %(path)s AND NOT u.path LIKE ANY(%(except_paths)s::text[])
          AND NOT EXISTS (SELECT 1 FROM cadres_personalmattersreport p
                          WHERE p.cadre_id = c.id AND p.year = %(year)s AND p.kind = %(annual)s)
    """
    yield q.rows(f"""
        SELECT 'cadres.personal_matters_report' AS kind, r.user_id AS recipient_id, c.id AS target_id,
               %(due)s AS due_date, %(level)s AS level,
               '个人有关事项报告：' || c.name || '（' || COALESCE(NULLIF(u.short_name, ''), u.name) || '）'
                   || %(text)s AS title,
               {q.url("cadres:profile", "c.code")} || '#personal-matters' AS url
        FROM annual_missing c JOIN core_unit u ON u.id = c.unit_id JOIN {q.covering()} r ON r.unit_id = c.unit_id
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def change_and_new_reports(on_date):
    """事项变化/新任 reports owed (registered with personal_matters.expect_report): due 30 days after the event."""
    q = Query(PersonalMattersReport, on_date)
    yield q.rows(f"""
        SELECT 'cadres.change_report' AS kind, r.recipient_id, p.id AS target_id, p.due_on AS due_date,
               {q.level("p.due_on")} AS level,
               '个人有关事项' || {q.label("p.kind", PersonalMattersReport, "kind")} || '：' || c.name || '，期限'
                   || {q.ymd("p.due_on")} || CASE WHEN p.due_on < %(on_date)s THEN '（已逾期）' ELSE '' END AS title,
               {q.url("cadres:profile", "c.code")} || '#personal-matters' AS url
        FROM cadres_personalmattersreport p JOIN cadres_cadre c ON c.id = p.cadre_id
        {q.author_or_covering("p.created_by_id", "c.unit_id")}
        WHERE p.submitted_on IS NULL AND p.due_on <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)
