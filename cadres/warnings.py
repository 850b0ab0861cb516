"""Early warning (预警): the cadres app's own rules, and the public API to evaluate every registered rule.

Public API (for vetting, dashboard and anyone else):

- `evaluate(cadres, on_date=None, rules=None)` → {cadre_id: [Warning, ...]} for the cadres (a queryset or a list)
  that at least one rule flags. Each registered rule runs once over the whole set, so the number of queries does
  not depend on how many cadres are evaluated. `rules` optionally limits it to some rule codes.
- `warnings_for(cadre, on_date=None)` → [Warning, ...] for one cadre.
- `Warning(code, label, reason, blocking)`: `blocking` warnings (e.g. an impact period, 瞒报, an open petition with
  specific clues) stop an appointment unless overridden with a reason; the others are advisory.

Other apps add rules with `cadres.registry.register_warning_rule(code, label, blocking=...)` on
`rule(cadres, on_date) -> {cadre_id: [reason, ...]}`; the list page and the profile show them with no change here.

Family data in a reason (任职回避 names the relative and how he was recognised) goes between 〔亲属： and 〕
(`family_details`); whatever shows a reason to a user passes it, or any text quoting it, through `shown_to` /
`reason_shown_to`, which leave it out for those without the family-members permission
(cadres.permissions.can_view_family), as the 任免审批表 leaves out the family. A reason is stored whole (snapshots,
vetting's cross-check items and record): who reads it decides what is shown.
"""

import contextvars
import dataclasses
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from cadres import permissions
from cadres.dates import add_months, period_until, years_before
from cadres.models import (
    AnnualAssessment,
    Cadre,
    CadreSettings,
    CadreStatus,
    Gender,
    Verification,
    VerificationResult,
)
from cadres.registry import register_warning_rule, report_counters, warning_rules
from cadres.services import impact_bars
from core.bundles import run, steps, task, together

# Only cadres still holding a leading post are due a move (交流) or an age-based change of post.
LEADING_STATUSES = [CadreStatus.SERVING, CadreStatus.PROBATION]


@dataclass(frozen=True)
class Warning:
    code: str
    label: str
    reason: str
    blocking: bool = False


FAMILY_WITHHELD = "〔亲属姓名、称谓及认定依据已隐去，需有查看家庭成员的权限〕"
_FAMILY = re.compile(r"〔亲属：[^〔〕]*〕")


def family_details(text):
    """`text` (who the relative is, why he is taken for him) marked as family data for a reason."""
    return f"〔亲属：{text.replace('〔', '（').replace('〕', '）')}〕"


def without_family(text):
    """A reason, or a text quoting reasons, with each part marked by family_details replaced by FAMILY_WITHHELD."""
    return _FAMILY.sub(FAMILY_WITHHELD, text)


def reason_shown_to(user, reason):
    """The reason as `user` may read it: without the family details unless he may see family members (asked only
    when there are some: the permission costs two queries the first time)."""
    if not _FAMILY.search(reason) or permissions.can_view_family(user):
        return reason
    return without_family(reason)


def shown_to(user, warnings):
    """[Warning, ...] with each reason as `user` may read it (reason_shown_to)."""
    return [dataclasses.replace(warning, reason=reason_shown_to(user, warning.reason)) for warning in warnings]


def blocking_first(warning):
    """Sort key of a cadre's warnings everywhere they are listed: blocking ones first, then by rule label."""
    return (not warning.blocking, warning.label)


# The settings row of the cadres being evaluated, read once per evaluation rather than once per rule.
_settings_in_use = contextvars.ContextVar("cadres_settings_in_use", default=None)


def _settings():
    return _settings_in_use.get() or CadreSettings.current()


def _as_queryset(cadres):
    """Rules receive a plain queryset of the cadres, usable as a subquery (`cadre__in=cadres`)."""
    if isinstance(cadres, models.QuerySet):
        return Cadre.objects.filter(pk__in=cadres.order_by().values("pk"))
    return Cadre.objects.filter(pk__in=[getattr(cadre, "pk", cadre) for cadre in cadres])


def _by_settings(rows, cadres):
    """(settings row, cadres) pairs: the cadres under each county with its own thresholds (the deepest first) with
    that county's row, the rest with the city's (`rows`: CadreSettings.rows()). With no county row, one pair."""
    default, counties = rows
    taken = []
    for row in counties:
        path = row.jurisdiction.path
        part = cadres.filter(unit__path__startswith=path)
        for deeper in (other for other in taken if other.startswith(path)):
            part = part.exclude(unit__path__startswith=deeper)
        taken.append(path)
        yield row, part
    for path in taken:
        cadres = cadres.exclude(unit__path__startswith=path)
    yield default, cadres


def evaluate(cadres, on_date=None, rules=None):
    """{cadre_id: [Warning, ...]} over every registered rule (or the codes in `rules`). See the module docstring."""
    if not isinstance(cadres, models.QuerySet) and not cadres:
        return {}
    return run({"found": evaluation(cadres, on_date, rules)}, bundle=False)["found"]


def evaluation(cadres, on_date=None, rules=None):
    """`evaluate` as steps (core.bundles): every rule's queries go out together, so one cadre's warnings take a
    few statements (`warnings_for`, the profile) whatever the number of rules. The rules run once per county
    with thresholds of its own (over its cadres) and once with the city's (over the rest)."""
    on_date = on_date or timezone.localdate()
    found = {}
    for settings, subset in _by_settings((yield from CadreSettings.rows_steps()), _as_queryset(cadres)):
        token = _settings_in_use.set(settings)
        try:
            results = yield from together({code: task(rule.evaluate, subset, on_date)
                                           for code, rule in warning_rules().items()
                                           if rules is None or code in rules})
        finally:
            _settings_in_use.reset(token)
        for code, rule in warning_rules().items():  # in the order of registration, as the sort below leaves ties
            for cadre_id, reasons in (results.get(code) or {}).items():
                for reason in reasons:
                    found.setdefault(cadre_id, []).append(Warning(code, rule.label, reason, rule.blocking))
    for warnings in found.values():
        warnings.sort(key=blocking_first)
    return found


def warnings_for(cadre, on_date=None):
    """[Warning, ...] for one cadre, blocking ones first (the rules' queries in a few statements)."""
    return run({"found": evaluation([cadre.pk], on_date)})["found"].get(cadre.pk, [])


# --- the cadres app's own rules. Each takes cadre ids (or cadres) and the date, and returns {id: [reason]}. ------

@register_warning_rule("impact_period", "处于影响期", blocking=True)
@steps
def impact_period_rule(cadres, on_date):
    bars = yield from impact_bars.steps(cadres, on_date)
    return {cadre_id: [bar.text for bar in bars] for cadre_id, bars in bars.items()}


def _discrepancies(cadres, on_date, result):
    """A 瞒报/漏报 result flags the cadre until the window (default 12 months) after it ends: the day the text
    names is the day the filter uses (month ends clamp, so the query takes a few days more and the loop decides)."""
    window = _settings().discrepancy_window_months
    since = add_months(on_date, -window) - datetime.timedelta(days=3)
    rows = Verification.objects.filter(cadre__in=cadres, result=result, verified_on__gt=since,
                                       verified_on__lte=on_date).order_by("verified_on")
    flagged = {}
    for verification in (yield rows):
        ends_on = add_months(verification.verified_on, window)
        if ends_on <= on_date:
            continue
        flagged.setdefault(verification.cadre_id, []).append(
            f"{verification.verified_on:%Y-%m-%d}{verification.get_method_display()}结果为"
            f"{verification.get_result_display()}，{period_until(ends_on, '预警期')}")
    return flagged


@register_warning_rule("concealment", "个人有关事项瞒报", blocking=True)
@steps
def concealment_rule(cadres, on_date):
    return (yield from _discrepancies(cadres, on_date, VerificationResult.CONCEALMENT))


@register_warning_rule("omission", "个人有关事项漏报")
@steps
def omission_rule(cadres, on_date):
    return (yield from _discrepancies(cadres, on_date, VerificationResult.OMISSION))


def _percent(value):
    """30.00 → "30", 32.50 → "32.5"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


@register_warning_rule("unfit_votes", "不称职票比例偏高")
@steps
def unfit_votes_rule(cadres, on_date):
    """The latest assessment before `on_date` whose 不称职 share is at or above the threshold (default 30%).
    Picks the few assessments over the threshold first, then drops those a later assessment supersedes, rather
    than reading every cadre's latest assessment."""
    threshold = _settings().unfit_vote_threshold
    counted = AnnualAssessment.objects.filter(year__lte=on_date.year, unfit_vote_share__isnull=False)
    later = counted.filter(cadre_id=models.OuterRef("cadre_id"), year__gt=models.OuterRef("year"))
    latest_high = (counted.filter(cadre__in=cadres, unfit_vote_share__gte=threshold)
                   .exclude(models.Exists(later)).order_by("cadre_id"))
    return {
        a.cadre_id: [f"{a.year}年度民主测评不称职票比例{_percent(a.unfit_vote_share)}%，"
                     f"达到{_percent(threshold)}%的阈值"]
        for a in (yield latest_high)
    }


@register_warning_rule("frequent_reports", "被举报次数较多")
@steps
def frequent_reports_rule(cadres, on_date):
    """Adds up the counters other apps register (cadres.registry.register_report_counter), read together."""
    if not report_counters():
        return {}
    settings = _settings()
    since = add_months(on_date, -settings.report_window_months)
    counted = yield from together({index: task(counter, cadres, since, on_date)
                                   for index, counter in enumerate(report_counters())})
    totals = {}
    for counts in counted.values():
        for cadre_id, count in (counts or {}).items():
            totals[cadre_id] = totals.get(cadre_id, 0) + count
    return {
        cadre_id: [f"近{settings.report_window_months}个月被举报{count}次（阈值{settings.report_count_threshold}次）"]
        for cadre_id, count in totals.items() if count >= settings.report_count_threshold
    }


@register_warning_rule("long_tenure", "同一职位任职时间较长")
@steps
def long_tenure_rule(cadres, on_date):
    years = _settings().same_post_years
    limit = years_before(on_date, years)
    rows = Cadre.objects.filter(pk__in=cadres, status__in=LEADING_STATUSES, post_since__lte=limit)
    flagged = {}
    for cadre_id, since in (yield rows.values_list("pk", "post_since")):
        held = (on_date - since).days // 365
        flagged[cadre_id] = [f"自{since:%Y-%m-%d}任现职已满{held}年（{years}年应交流）"]
    return flagged


@register_warning_rule("non_leading_age", "达到改任非领导职务年龄")
@steps
def non_leading_age_rule(cadres, on_date):
    settings = _settings()
    ages = {Gender.MALE: settings.non_leading_age_male, Gender.FEMALE: settings.non_leading_age_female}
    condition = models.Q()
    for gender, age in ages.items():
        condition |= models.Q(gender=gender, birth_date__lte=years_before(on_date, age))
    rows = Cadre.objects.filter(condition, pk__in=cadres, status__in=LEADING_STATUSES)
    flagged = {}
    for cadre_id, gender, birth in (yield rows.values_list("pk", "gender", "birth_date")):
        flagged[cadre_id] = [f"{Gender(gender).label}，{birth.year}年{birth.month}月出生，已达{ages[gender]}周岁"
                             f"改任非领导职务年龄"]
    return flagged


def rule_choices():
    """(code, label) of every registered rule, for filters."""
    return [(code, rule.label) for code, rule in warning_rules().items()]

