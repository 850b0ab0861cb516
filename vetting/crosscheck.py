"""The automatic cross-check of a candidate against the cadres hub: its warnings (impact period, 瞒报, unrectified
audit findings, open petitions …) and the open cases other apps list about the cadre. Reads only the cadres
registry (and its public `cadres.warnings` API when present), never another app's models."""

import logging

from django.utils import timezone

from cadres import registry
from cadres.models import Cadre
from vetting.models import CrossCheck, CrossCheckItem

logger = logging.getLogger(__name__)

TOPIC_LABELS = {
    "petition": "信访举报",
    "liaison_for_vetting": "联席会议通报（纳入考察）",
    "audit_due": "经济责任审计（提拔前应审）",
}


def _warnings(cadre, on_date):
    """[(code, label, reason, blocking)] from every registered warning rule. A rule that fails is reported as an
    item of its own (blocking if the rule is), never silently skipped."""
    found = []
    subset = Cadre.objects.filter(pk=cadre.pk)
    for code, rule in registry.warning_rules().items():
        try:
            result = rule.evaluate(subset, on_date) or {}
        except Exception:  # a broken rule of another app must not hide a warning
            logger.exception("warning rule %s failed for cadre %s", code, cadre.pk)
            found.append((code, rule.label, "预警规则运行失败，请人工核对", rule.blocking))
            continue
        for reason in result.get(cadre.pk, []):
            found.append((code, rule.label, str(reason), rule.blocking))
    return found


def _appointment(case, on_date):
    """[(code, label, reason)] of what the proposed post itself would break (任职回避), from every registered
    appointment check; each blocks. A check that fails is an item of its own, as for the warnings."""
    found = []
    for entry in registry.appointment_checks():
        try:
            reasons = entry.check(case.cadre, case.proposed_unit, case.proposed_title, on_date)
        except Exception:  # a broken check must not let the appointment through unseen
            logger.exception("appointment check %s failed for case %s", entry.code, case.pk)
            reasons = ["拟任职务核对失败，请人工核对"]
        found.extend((f"proposed_{entry.code}", f"拟任职务：{entry.label}", reason) for reason in reasons)
    return found


def _open_cases(cadre):
    return [ref for ref in registry.cases_about(cadre) if ref.is_open]


def overridden_keys(case):
    """The keys of every item a 部领导 has approved on this case (CrossCheck.overridden_keys)."""
    keys = set()
    for named in CrossCheck.objects.filter(case=case, overridden_at__isnull=False).values_list("overridden_keys",
                                                                                             flat=True):
        keys.update(named)
    return keys


def run_crosscheck(case, occasion, *, actor=None, on_date=None):
    """Create a CrossCheck with its items, evaluated now; an item a 部领导 already approved on this case stays
    approved, anything else blocks. The caller writes the case record."""
    on_date = on_date or timezone.localdate()
    check = CrossCheck.objects.create(case=case, occasion=occasion, run_on=on_date, run_by=actor)
    items = [
        CrossCheckItem(crosscheck=check, source=CrossCheckItem.Source.WARNING, code=code[:64], label=label[:200],
                       reason=reason[:500], blocking=blocking)
        for code, label, reason, blocking in _warnings(case.cadre, on_date)
    ]
    items += [
        CrossCheckItem(crosscheck=check, source=CrossCheckItem.Source.WARNING, code=code[:64], label=label[:200],
                       reason=reason[:500], blocking=True)
        for code, label, reason in _appointment(case, on_date)
    ]
    items += [
        CrossCheckItem(crosscheck=check, source=CrossCheckItem.Source.CASE, code=ref.topic[:64],
                       label=f"{TOPIC_LABELS.get(ref.topic, ref.topic)} {ref.code}"[:200],
                       reason=f"{ref.label}（{ref.status}）"[:500], url=ref.url[:300], blocking=ref.blocks_vetting)
        for ref in _open_cases(case.cadre)
    ]
    approved = overridden_keys(case)
    for item in items:
        item.overridden = item.blocking and item.key in approved
    CrossCheckItem.objects.bulk_create(items)
    return check
