"""Deadline providers of the matters app for the core scan (registered in MattersConfig.ready):
certificate handover (10 days after issue), expiry (6 months ahead), return (7 days after coming back), joint-review
opinion replies (5 working days) and inspection rectification items (core.rectification.dues, with escalation)."""

import datetime

from django.conf import settings

from cadres.dates import add_months
from core import roles
from core.deadlines import Covering, Due, level_for
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
from matters.services import expiry_notice_from
from tests.support.deadline_oracle import rectification


def _recipients():
    """Who hears about a row: the user who recorded it (still active), else the office users covering its unit."""
    return Covering().author_or_covering


def _horizon(on_date):
    return on_date + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS)


def _state(due, on_date):
    return f"已逾期{(on_date - due).days}天" if due < on_date else f"期限{due:%Y-%m-%d}"


def certificate_handovers(on_date):
    """A newly issued certificate not yet handed over to the office."""
    recipients = _recipients()
    rows = (Certificate.objects.filter(status=CertificateStatus.AWAITING, handover_due__lte=_horizon(on_date))
            .select_related("cadre__unit", "created_by"))
    for certificate in rows:
        level = level_for(certificate.handover_due, on_date)
        if level is None:
            continue
        yield Due(kind="matters.certificate_handover", target=certificate, due_date=certificate.handover_due,
                  level=level, recipients=recipients(certificate.created_by, certificate.cadre.unit),
                  title=f"证照交存：{certificate}，{_state(certificate.handover_due, on_date)}")


def certificate_expiries(on_date):
    """Certificates held (or awaited) whose expiry is within the notice window (6 months) or past."""
    rules = MattersRules.current()
    recipients = _recipients()
    limit = add_months(on_date, rules.expiry_notice_months) + datetime.timedelta(days=3)  # month-end slack
    rows = (Certificate.objects.exclude(status=CertificateStatus.CANCELLED).filter(expires_on__lte=limit)
            .select_related("cadre__unit", "created_by"))
    for certificate in rows:
        window = (certificate.expires_on - expiry_notice_from(certificate.expires_on, rules)).days
        level = level_for(certificate.expires_on, on_date, notice_days=window)
        if level is None:
            continue
        state = "已过期" if certificate.expires_on < on_date else f"将于{certificate.expires_on:%Y-%m-%d}到期"
        yield Due(kind="matters.certificate_expiry", target=certificate, due_date=certificate.expires_on,
                  level=level, recipients=recipients(certificate.created_by, certificate.cadre.unit),
                  title=f"证照有效期：{certificate}{state}")


def certificate_returns(on_date):
    """Lent certificates due back N days after the trip."""
    recipients = _recipients()
    rows = (CertificateLoan.objects.filter(returned_on__isnull=True, return_due__lte=_horizon(on_date))
            .select_related("certificate__cadre__unit", "lent_by", "application"))
    for loan in rows:
        level = level_for(loan.return_due, on_date)
        if level is None:
            continue
        yield Due(kind="matters.certificate_return", target=loan, due_date=loan.return_due, level=level,
                  recipients=recipients(loan.lent_by, loan.certificate.cadre.unit),
                  title=f"证照交回：{loan.certificate}（{loan.application.number}），"
                        f"{_state(loan.return_due, on_date)}")


def opinion_replies(on_date):
    """Joint-review opinions not yet replied."""
    recipients = _recipients()
    rows = (ReviewOpinion.objects.filter(replied_on__isnull=True, application__status=ApplicationStatus.REVIEWING,
                                         reply_due__lte=_horizon(on_date))
            .select_related("application__cadre__unit", "application__created_by"))
    for opinion in rows:
        level = level_for(opinion.reply_due, on_date)
        if level is None:
            continue
        application = opinion.application
        mark = "（暂定）" if opinion.reply_due_provisional else ""
        yield Due(kind="matters.review_opinion", target=opinion, due_date=opinion.reply_due, level=level,
                  recipients=recipients(application.created_by, application.cadre.unit),
                  title=f"联审意见答复：{application.number} {application.cadre.name} "
                        f"{opinion.get_department_display()}，{_state(opinion.reply_due, on_date)}{mark}")


def inspection_rectification(on_date):
    """Open inspection rectification items: to the recorder; escalated to the section heads after N days overdue.
    The levels and the escalation are core.rectification.dues, the same code as audit findings."""
    rules = MattersRules.current()
    recipients = _recipients()
    heads = Covering([roles.SECTION_HEAD])

    def escalation(item):
        return list(heads(item.inspection.unit))

    def title(item, overdue):
        state = f"已逾期{overdue}天" if overdue else f"期限{item.rectification_deadline:%Y-%m-%d}"
        return f"巡察整改：{item}（{item.owner_name or item.owner_cadre or '未指定责任人'}），{state}"

    items = (InspectionItem.objects.active().filter(inspection__status=InspectionStatus.RECTIFYING)
             .select_related("inspection__unit", "inspection__created_by", "owner_cadre"))
    yield from rectification.dues(items, on_date, kind="matters.inspection_rectification", title=title,
                                  recipients=lambda item: recipients(item.inspection.created_by,
                                                                     item.inspection.unit),
                                  escalate_after=rules.escalation_overdue_days, escalation_recipients=escalation)


PROVIDERS = [certificate_handovers, certificate_expiries, certificate_returns, opinion_replies,
             inspection_rectification]
