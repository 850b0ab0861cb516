"""The annual-plan suggestion (年度审计计划建议): who should be audited in a year, and why.

Three grounds, each giving a reason in words:
1. the category cycle has come round since the principal leader's last audit (or since taking up the post);
2. a principal leader left post (or will leave it within the year: retirement age, the same post for the limit
   of years) without a departure audit (离任审计);
3. other apps flagged the cadre (audits.registry: economic petitions, liaison information).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max

from audits.models import (
    Audit,
    AuditKind,
    AuditRules,
    AuditStatus,
    AuditSubject,
    CategoryPolicy,
    Mode,
    UnitClassification,
)
from audits.registry import plan_flag_sources
from cadres.models import Cadre, CadreStatus, PositionHistory
from core.bundles import steps, task, together
from core.models import Unit

CURRENT_STATUSES = (CadreStatus.SERVING, CadreStatus.PROBATION)
LEFT_STATUSES = (CadreStatus.REMOVED, CadreStatus.TRANSFERRED, CadreStatus.RETIRED, CadreStatus.NON_LEADING)


@dataclass
class Proposal:
    cadre: Cadre
    unit: Unit
    post_title: str
    kind: str
    mode: str
    category: str
    due: bool
    reasons: list = field(default_factory=list)

    @property
    def reasons_text(self):
        return "；".join(self.reasons)


def _anniversary(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Builder:
    def __init__(self, year, classifications):
        self.year = year
        self.classifications = classifications
        self.proposals = {}

    def add(self, cadre, unit, post_title, kind, reason, due=True):
        proposal = self.proposals.get(cadre.pk)
        if proposal is None:
            classification = self.classifications.get(unit.pk)
            proposal = Proposal(cadre=cadre, unit=unit, post_title=post_title, kind=kind,
                                mode=classification.mode if classification else Mode.DIRECT,
                                category=classification.category if classification else "", due=due)
            self.proposals[cadre.pk] = proposal
        elif due and not proposal.due:
            proposal.due, proposal.reasons, proposal.kind = True, [], kind
        elif proposal.due and not due:
            return
        if kind == AuditKind.DEPARTURE:
            proposal.kind, proposal.unit, proposal.post_title = kind, unit, post_title
        proposal.reasons.append(reason)

    def result(self):
        return sorted(self.proposals.values(), key=lambda p: (not p.due, p.unit.path, p.cadre.name))


@steps
def suggest(year, scope=None, *, cadre_ids=None):
    """Proposals for `year` among the units under `scope` (all units if None): due ones with their reasons,
    and, for the principal leaders of classified units who are not due, the year they will be due. Steps
    (core.bundles): the rules row first, then every other query of the suggestion in the same round."""
    rules = yield from AuditRules.for_unit_steps(scope)  # the planning office's (a county's own, else the city's)
    units = Unit.objects.all() if scope is None else scope.subtree()
    if cadre_ids is not None:
        # Only the units these cadres hold or held matter (a profile asks for one cadre; a province has
        # thousands of classified units). A UNION, each part by its index: as an OR of the two, PostgreSQL read
        # every unit to check both.
        held = PositionHistory.objects.filter(cadre_id__in=cadre_ids).order_by().values("unit_id")
        holding = Cadre.objects.filter(pk__in=cadre_ids).order_by().values("unit_id")
        units = units.filter(pk__in=held.union(holding, all=True))
    cadres = Cadre.objects.filter(unit__in=units).select_related("unit")
    if cadre_ids is not None:
        cadres = cadres.filter(pk__in=cadre_ids)
    audits = AuditSubject.objects.exclude(audit__status=AuditStatus.CANCELLED)
    if cadre_ids is not None:
        # Only these cadres' audits matter (a profile asks for one cadre; a province has thousands of audits).
        audits = audits.filter(cadre_id__in=cadre_ids)
    rows = yield {
        "policies": CategoryPolicy.objects.all(),
        "classifications": UnitClassification.objects.filter(unit__in=units, is_subject=True),
        # Already scheduled for the year (an audit project exists): nothing to propose.
        "scheduled": audits.filter(audit__year=year).values_list("cadre_id", flat=True),
        "departures_done": audits.filter(audit__kind=AuditKind.DEPARTURE).values_list("cadre_id", "audit__unit_id"),
        **_by_cycle_queries(year, cadres, audits),
        **_left_post_queries(year, units, cadre_ids, rules),
        "current_principals": cadres.filter(is_principal=True, status__in=CURRENT_STATUSES),
    }
    builder = _Builder(year, {c.unit_id: c for c in rows["classifications"]})
    departures_done = set(rows["departures_done"])
    _by_cycle(builder, rows, {policy.category: policy for policy in rows["policies"]})
    _left_post(builder, rows, departures_done)
    _will_leave(builder, rows["current_principals"], departures_done, rules)
    yield from _flagged(builder, cadres)
    scheduled = set(rows["scheduled"])
    return [p for p in builder.result() if p.cadre.pk not in scheduled]


def _by_cycle_queries(year, cadres, audits):
    # A subquery rather than the ids of every classified unit spelled out (thousands in a province).
    principals = cadres.filter(is_principal=True, status__in=CURRENT_STATUSES,
                               unit__audit_classification__is_subject=True)
    # The cycle runs per post: an audit of the cadre in an earlier unit does not count.
    last_audit = (audits.filter(cadre__in=principals.order_by().values("pk"), audit__year__lt=year).order_by()
                  .values_list("cadre_id", "audit__unit_id").annotate(last=Max("audit__year")))
    return {"classified_principals": principals, "last_audit": last_audit}


def _by_cycle(builder, rows, policies):
    year = builder.year
    last_audit = {(cadre_id, unit_id): last for cadre_id, unit_id, last in rows["last_audit"]}
    for cadre in rows["classified_principals"]:
        classification = builder.classifications[cadre.unit_id]
        policy = policies.get(classification.category)
        if policy is None:
            continue
        label, cycle = classification.get_category_display(), policy.cycle_years
        head = f"{label}单位（每{cycle}年审计一次）"
        last = last_audit.get((cadre.pk, cadre.unit_id))
        if last is not None:
            due_year = last + cycle
            if year >= due_year:
                builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE,
                            f"{head}，上次审计为{last}年，{year}年已到审计周期")
            else:
                builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE,
                            f"{head}，上次审计为{last}年，{due_year}年到期", due=False)
        elif cadre.post_since is None:
            builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE,
                        f"{head}，无经济责任审计记录")
        else:
            due_year = cadre.post_since.year + cycle
            if year >= due_year:
                builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE,
                            f"{head}，{cadre.post_since.year}年任现职以来未审计，{year}年已满周期")
            else:
                builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE,
                            f"{head}，{cadre.post_since.year}年任现职，{due_year}年到期", due=False)


def _left_post_queries(year, units, cadre_ids, rules):
    since = datetime.date(year - rules.departure_lookback_years, 1, 1)
    positions = (PositionHistory.objects
                 .filter(is_principal=True, unit__in=units, end_date__gte=since,
                         end_date__lte=datetime.date(year, 12, 31))
                 .select_related("cadre__unit", "unit").order_by("end_date"))
    # Cadres recorded as having left whose post history was never entered.
    left = Cadre.objects.filter(unit__in=units, is_principal=True, status__in=LEFT_STATUSES).select_related("unit")
    if cadre_ids is not None:
        positions = positions.filter(cadre_id__in=cadre_ids)
        left = left.filter(pk__in=cadre_ids)
    return {"left_positions": positions, "left_cadres": left}


def _left_post(builder, rows, departures_done):
    seen = set()
    for position in rows["left_positions"]:
        key = (position.cadre_id, position.unit_id)
        if key in departures_done or key in seen:
            continue
        seen.add(key)
        builder.add(position.cadre, position.unit, position.post_title, AuditKind.DEPARTURE,
                    f"{position.end_date.year}年{position.end_date.month}月离任"
                    f"{position.unit.display_name}{position.post_title}，未进行离任审计")
    for cadre in rows["left_cadres"]:
        key = (cadre.pk, cadre.unit_id)
        if key in departures_done or key in seen:
            continue
        builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.DEPARTURE,
                    f"已{cadre.get_status_display()}（原任{cadre.unit.display_name}{cadre.post_title}），未进行离任审计")


def _will_leave(builder, principals, departures_done, rules):
    year_end = datetime.date(builder.year, 12, 31)
    for cadre in principals:
        if (cadre.pk, cadre.unit_id) in departures_done:
            continue
        retires_on = _anniversary(cadre.birth_date, rules.retirement_age)
        if retires_on <= year_end:
            builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.DEPARTURE,
                        f"{retires_on.year}年{retires_on.month}月年满{rules.retirement_age}周岁，将离任，"
                        f"应进行离任审计")
        elif cadre.post_since and _anniversary(cadre.post_since, rules.same_post_limit_years) <= year_end:
            builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.DEPARTURE,
                        f"{cadre.post_since.year}年{cadre.post_since.month}月起任现职，"
                        f"将满{rules.same_post_limit_years}年须交流，应进行离任审计")


def _flagged(builder, cadres):
    found = yield from together({name: task(source, builder.year, cadres)
                                 for name, source in plan_flag_sources().items()})
    flagged = {}
    for reasons_by_cadre in found.values():
        for cadre_id, reasons in (reasons_by_cadre or {}).items():
            flagged.setdefault(cadre_id, []).extend(reasons)
    if not flagged:
        return
    for cadre in (yield cadres.filter(pk__in=flagged)):
        for reason in flagged[cadre.pk]:
            builder.add(cadre, cadre.unit, cadre.post_title, AuditKind.IN_OFFICE, reason)


def scheduled_audits(cadre):
    """Open audit projects (planned or under way) of a cadre, for the 'audit before promotion' check."""
    return (Audit.objects.filter(subjects__cadre=cadre, status__in=(AuditStatus.PLANNED, AuditStatus.IN_PROGRESS))
            .select_related("unit").distinct())
