"""What the matters app tells the cadres hub: the warning on certificates returned late or still out after the
return date, and the blocking warning on a cadre under 立案审查调查."""

from django.db.models import F, Q

from cadres.dates import add_months, period_until
from cadres.registry import register_warning_rule
from cadres.snapshots import register_warning_source
from core.bundles import steps
from matters.models import BorderCrossing, CertificateLoan, InvestigationRecord, MattersRules

LATE_RETURN_RULE = "matters.late_certificate_return"
INVESTIGATION_RULE = "matters.under_investigation"
UNAPPROVED_CROSSING_RULE = "matters.unapproved_crossing"
CROSSING_WINDOW_MONTHS = 12  # an unapproved crossing stays a warning for a year, like a late certificate return


@register_warning_rule(LATE_RETURN_RULE, "出国（境）证照逾期交回")
@steps
def late_certificate_return(cadres, on_date):
    """Loans still out after their return date, and loans returned late within the window (12 months; the
    cadre's jurisdiction's: the longest of them reads the loans, each is then held to its own)."""
    rows = yield from MattersRules.rows_steps()
    rules_for = MattersRules.resolver(rows)
    since = add_months(on_date, -max(row.late_return_window_months for row in [rows[0], *rows[1]]))
    loans = (CertificateLoan.objects.filter(certificate__cadre__in=cadres, lent_on__lte=on_date)
             .filter((Q(returned_on__isnull=True) | Q(returned_on__gt=on_date)) & Q(return_due__lt=on_date)
                     | Q(returned_on__gt=since, returned_on__lte=on_date) & Q(returned_on__gt=F("return_due")))
             .select_related("certificate__cadre__unit", "application").order_by("return_due"))
    flagged = {}
    for loan in (yield loans):
        late = loan.days_late(on_date)
        if loan.returned_on is None or loan.returned_on > on_date:
            reason = (f"{loan.certificate.get_kind_display()}应于{loan.return_due:%Y-%m-%d}交回"
                      f"（{loan.application.number}），已逾期{late}天未交回")
        elif loan.returned_on <= add_months(
                on_date, -rules_for(loan.certificate.cadre.unit).late_return_window_months):
            continue  # out of the window of the cadre's own jurisdiction
        else:
            reason = (f"{loan.certificate.get_kind_display()}于{loan.returned_on:%Y-%m-%d}交回"
                      f"（{loan.application.number}），逾期{late}天")
        flagged.setdefault(loan.certificate.cadre_id, []).append(reason)
    return flagged


@register_warning_rule(INVESTIGATION_RULE, "正在接受立案审查调查", blocking=True)
@steps
def under_investigation(cadres, on_date):
    records = (InvestigationRecord.objects.filter(cadre__in=cadres, started_on__lte=on_date)
               .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on_date)).order_by("started_on"))
    flagged = {}
    for record in (yield records):
        ending = f"，{period_until(record.ended_on, '审查调查期')}" if record.ended_on else ""
        flagged.setdefault(record.cadre_id, []).append(
            f"{record.started_on:%Y-%m-%d}起接受{record.authority}{record.get_kind_display()}{ending}")
    return flagged


@register_warning_rule(UNAPPROVED_CROSSING_RULE, "出入境记录无对应审批")
@steps
def unapproved_crossing(cadres, on_date):
    """出入境记录 (from the 公安 system) within the window (12 months) that no approved application covers."""
    since = add_months(on_date, -CROSSING_WINDOW_MONTHS)
    crossings = (BorderCrossing.objects.filter(cadre__in=cadres, application__isnull=True, crossed_on__gt=since,
                                               crossed_on__lte=on_date).order_by("crossed_on"))
    flagged = {}
    for crossing in (yield crossings):
        flagged.setdefault(crossing.cadre_id, []).append(
            f"{crossing.crossed_on:%Y-%m-%d}经{crossing.port}{crossing.get_direction_display()}，无对应的因私出国（境）审批")
    return flagged


register_warning_source(CertificateLoan, lambda loan: [loan.certificate.cadre_id])
register_warning_source(BorderCrossing, lambda crossing: [crossing.cadre_id])
