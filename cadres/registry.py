"""What other apps contribute to the cadres hub, without the cadres app importing them.

- Warning rules: `@register_warning_rule("code", "label")` on a function `rule(cadres, on_date)` that takes a
  queryset of cadres (use it as a subquery: `Thing.objects.filter(cadre__in=cadres)`) and returns
  {cadre_id: [reason text, ...]} for the ones it flags. Working on a set of cadres at once keeps the warning list
  to a fixed number of queries. Evaluate them all with `cadres.warnings.evaluate` / `warnings_for`.
- Case sources: `@register_case_source("topic")` on a function `cases(cadre)` returning `CaseRef` items: the
  open and closed cases of another app that name the cadre (petitions, liaison items marked 纳入考察, audits due
  before promotion). Vetting and the profile read them through `cases_about`.
- Timeline entries: `@register_timeline` on a function `entries(cadre)` returning `TimelineEntry` items for the
  integrity profile (廉政档案).
- Appointment checks: `@register_appointment_check("code", "label")` on `check(cadre, unit, post_title, on_date)`
  returning [reason, ...]: what the proposed post would break (任职回避). Vetting's cross-check adds each reason as
  a blocking item, as it does the blocking warnings of the current posts.
- Report counters: `@register_report_counter` on a function `count(cadres, since, until)` (cadres: a queryset
  to use as a subquery, or a list of ids) returning {cadre_id: number of reports (信访举报, 问题线索) received
  in [since, until]}. The cadres warning rule
  "frequent_reports" (three or more reports in 12 months) adds up every registered counter, so the petitions app
  (and any other app that receives reports about cadres) only has to register one.

Any of these functions may be written as `core.bundles` steps (`@steps` on a generator that yields its querysets):
the integrity profile then reads its queries with every other source's, in one statement per round
(`cadres.warnings.evaluation`, `cadres.timeline.timeline_steps`, `cases_steps`); called directly it works as before.
"""

import datetime
from dataclasses import dataclass

from core.bundles import run, task, together

_warning_rules = {}
_timeline_sources = []
_case_sources = {}
_report_counters = []
_appointment_checks = {}


@dataclass(frozen=True)
class WarningRule:
    code: str
    label: str
    evaluate: object  # callable(cadres, on_date) -> {cadre_id: [reason, ...]}
    blocking: bool = False  # a blocking warning stops an appointment unless overridden (vetting)


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    category: str  # e.g. "信访举报", "经济责任审计"
    title: str
    detail: str = ""
    url: str = ""


def register_warning_rule(code, label, blocking=False):
    def decorator(evaluate):
        _warning_rules[code] = WarningRule(code, label, evaluate, blocking)
        return evaluate

    return decorator


def warning_rules():
    return dict(_warning_rules)


def register_timeline(source):
    if source not in _timeline_sources:
        _timeline_sources.append(source)
    return source


def timeline_sources():
    return list(_timeline_sources)


@dataclass(frozen=True)
class CaseRef:
    topic: str  # "petition", "liaison_for_vetting", "audit_due", ...
    code: str
    label: str
    url: str
    status: str
    is_open: bool
    date: datetime.date | None = None
    blocks_vetting: bool = False  # e.g. an open petition with specific clues (凡提必查)


def register_case_source(topic):
    def decorator(source):
        _case_sources[topic] = source
        return source

    return decorator


def cases_about(cadre, topic=None):
    """CaseRefs from every registered source (or one topic) about this cadre."""
    return run({"cases": cases_steps(cadre, topic)})["cases"]


def cases_steps(cadre, topic=None):
    """`cases_about` as steps (core.bundles): the sources' queries go out together."""
    found = yield from together({name: task(source, cadre) for name, source in _case_sources.items()
                                 if topic is None or topic == name})
    return [ref for name in _case_sources if name in found for ref in found[name]]


def register_report_counter(counter):
    """Decorator: `counter(cadres, since, until)` → {cadre_id: count}; see the module docstring."""
    if counter not in _report_counters:
        _report_counters.append(counter)
    return counter


def report_counters():
    return list(_report_counters)


def unregister_report_counter(counter):
    """For tests."""
    if counter in _report_counters:
        _report_counters.remove(counter)


@dataclass(frozen=True)
class AppointmentCheck:
    code: str
    label: str
    check: object  # callable(cadre, unit, post_title, on_date) -> [reason, ...]


def register_appointment_check(code, label):
    def decorator(check):
        _appointment_checks[code] = AppointmentCheck(code, label, check)
        return check

    return decorator


def appointment_checks():
    return list(_appointment_checks.values())
