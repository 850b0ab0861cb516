"""Deadline providers of the matters app for the core scan (set-based, core.deadlines.Query; registered in
MattersConfig.ready): certificate handover (10 days after issue), expiry (6 months ahead), return (7 days after
coming back), joint-review opinion replies (5 working days) and inspection rectification items
(core.rectification.dues, with escalation). Each reminds the user who recorded the row while active, else the
office users covering the cadre's (or the inspected) unit."""

import datetime

from django.db.models import Max

from cadres.dates import add_months
from core import rectification
from core.deadlines import Query
from matters.models import (
    ApplicationStatus,
    Certificate,
    CertificateLoan,
    CertificateStatus,
    InspectionItem,
    InspectionStatus,
    MattersRules,
    ReviewOpinion,
)


def _state(q, due):
    return (f"CASE WHEN {due} < %(on_date)s THEN '已逾期' || (%(on_date)s - {due}) || '天' "
            f"ELSE '期限' || {q.ymd(due)} END")


def _certificate(q, alias="c", cadre="h"):
    """str(certificate): the holder, the kind and the last four digits of the number only."""
    return (f"{cadre}.name || ' ' || {q.label(f'{alias}.kind', Certificate, 'kind')} || '（尾号' "
            f"|| right({alias}.number, 4) || '）'")


def certificate_handovers(on_date):
    """A newly issued certificate not yet handed over to the office."""
    q = Query(Certificate, on_date)
    q.params["awaiting"] = CertificateStatus.AWAITING
    yield q.rows(f"""
        SELECT 'matters.certificate_handover' AS kind, r.recipient_id, c.id AS target_id,
               c.handover_due AS due_date, {q.level("c.handover_due")} AS level,
               '证照交存：' || {_certificate(q)} || '，' || {_state(q, "c.handover_due")} AS title,
               {q.url("matters:certificate_detail", "c.code")} AS url
        FROM matters_certificate c JOIN cadres_cadre h ON h.id = c.cadre_id
        {q.author_or_covering("c.created_by_id", "h.unit_id")}
        WHERE c.status = %(awaiting)s AND c.handover_due <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def certificate_expiries(on_date):
    """Certificates held (or awaited) whose expiry is within the notice window (6 months, month arithmetic as
    cadres.dates.add_months: PostgreSQL clamps to the month's end the same way) or past. The window is the one of
    the holder's jurisdiction; the longest of them bounds the rows read."""
    q = Query(Certificate, on_date)
    months = q.setting(MattersRules, "expiry_notice_months", "h.unit_id")
    longest = MattersRules.objects.aggregate(months=Max("expiry_notice_months"))["months"]
    q.params.update(cancelled=CertificateStatus.CANCELLED,
                    limit=add_months(on_date, longest) + datetime.timedelta(days=3))
    window = f"(c.expires_on - (c.expires_on - {months} * interval '1 month')::date)"
    yield q.rows(f"""
        SELECT 'matters.certificate_expiry' AS kind, r.recipient_id, c.id AS target_id, c.expires_on AS due_date,
               {q.level("c.expires_on", window)} AS level,
               '证照有效期：' || {_certificate(q)}
                   || CASE WHEN c.expires_on < %(on_date)s THEN '已过期'
                           ELSE '将于' || {q.ymd("c.expires_on")} || '到期' END AS title,
               {q.url("matters:certificate_detail", "c.code")} AS url
        FROM matters_certificate c JOIN cadres_cadre h ON h.id = c.cadre_id
        {q.author_or_covering("c.created_by_id", "h.unit_id")}
        WHERE c.status <> %(cancelled)s AND c.expires_on <= %(limit)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def certificate_returns(on_date):
    """Lent certificates due back N days after the trip."""
    q = Query(CertificateLoan, on_date)
    yield q.rows(f"""
        SELECT 'matters.certificate_return' AS kind, r.recipient_id, l.id AS target_id, l.return_due AS due_date,
               {q.level("l.return_due")} AS level,
               '证照交回：' || {_certificate(q)} || '（' || a.number || '），' || {_state(q, "l.return_due")} AS title,
               {q.url("matters:application_detail", "a.code")} AS url
        FROM matters_certificateloan l JOIN matters_certificate c ON c.id = l.certificate_id
        JOIN cadres_cadre h ON h.id = c.cadre_id JOIN matters_travelapplication a ON a.id = l.application_id
        {q.author_or_covering("l.lent_by_id", "h.unit_id")}
        WHERE l.returned_on IS NULL AND l.return_due <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def opinion_replies(on_date):
    """Joint-review opinions not yet replied."""
    q = Query(ReviewOpinion, on_date)
    q.params["reviewing"] = ApplicationStatus.REVIEWING
    yield q.rows(f"""
        SELECT 'matters.review_opinion' AS kind, r.recipient_id, o.id AS target_id, o.reply_due AS due_date,
               {q.level("o.reply_due")} AS level,
               '联审意见答复：' || a.number || ' ' || h.name || ' '
                   || {q.label("o.department", ReviewOpinion, "department")} || '，' || {_state(q, "o.reply_due")}
                   || CASE WHEN o.reply_due_provisional THEN '（暂定）' ELSE '' END AS title,
               {q.url("matters:application_detail", "a.code")} AS url
        FROM matters_reviewopinion o JOIN matters_travelapplication a ON a.id = o.application_id
        JOIN cadres_cadre h ON h.id = a.cadre_id
        {q.author_or_covering("a.created_by_id", "h.unit_id")}
        WHERE o.replied_on IS NULL AND a.status = %(reviewing)s AND o.reply_due <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def inspection_rectification(on_date):
    """Open inspection rectification items: to the recorder (else the office users covering the inspected unit);
    escalated to the section heads after N days overdue. The levels and the escalation are
    core.rectification.dues, the same code as audit findings."""
    q = Query(InspectionItem, on_date)
    q.params["rectifying"] = InspectionStatus.RECTIFYING
    title = ("'巡察整改：' || n.round_name || ' ' || COALESCE(NULLIF(u.short_name, ''), u.name) || ' 问题' || i.number "
             "|| '（' || COALESCE(NULLIF(i.owner_name, ''), owner.name, '未指定责任人') || '），'")
    yield rectification.dues(
        q, kind="matters.inspection_rectification",
        tables="matters_inspectionitem i JOIN matters_inspection n ON n.id = i.inspection_id "
               "JOIN core_unit u ON u.id = n.unit_id LEFT JOIN cadres_cadre owner ON owner.id = i.owner_cadre_id",
        recipient_joins=q.author_or_covering("n.created_by_id", "n.unit_id"),
        where="i.voided_at IS NULL AND n.status = %(rectifying)s", title=title,
        url=q.url("matters:item_detail", "n.code", "i.code"), recipient="r.recipient_id", unit="n.unit_id",
        escalate_after=q.setting(MattersRules, "escalation_overdue_days", "n.unit_id"))


PROVIDERS = [certificate_handovers, certificate_expiries, certificate_returns, opinion_replies,
             inspection_rectification]
