"""Figures for the leaders' dashboard, all by SQL aggregation (a fixed number of queries whatever the number of
cases). Every function takes the same filters:

- `user`: restrict to the cases the user may see (VettingCase.objects.visible_to); None = no restriction (the
  caller has checked access);
- `unit`: a Unit; only cases whose proposed post is in its subtree;
- `since`, `until`: dates; cases opened in [since, until].

`summary(...)` returns all of them in one dict.
"""

from django.db.models import Count, Q

from core.stats import CHUNK, in_period, in_unit, visible
from vetting.models import (
    CaseStatus,
    FeedbackConclusion,
    PersonalMattersCheck,
    PersonalMattersResult,
    PublicityFeedback,
    VettingCase,
)

# The choices a reader of these figures needs are part of this public surface.
__all__ = ["CaseStatus", "FeedbackConclusion", "blocked", "blocked_count", "by_stage", "cases", "feedback_rows",
           "halted", "own_work", "personal_matters", "publicity_feedback", "summary"]


def cases(user=None, unit=None, since=None, until=None):
    return in_period(in_unit(visible(VettingCase, user), unit, "proposed_unit"), "opened_on", since, until)


def by_stage(**filters):
    """[{"status", "label", "count"}] for every status, zeros included, in workflow order."""
    counts = dict(cases(**filters).order_by().values_list("status").annotate(n=Count("pk")))
    return [{"status": value, "label": label, "count": counts.get(value, 0)} for value, label in CaseStatus.choices]


def count_by_unit(**filters):
    """{unit_id of the proposed post: n} of the cases (one query)."""
    return dict(cases(**filters).order_by().values_list("proposed_unit_id").annotate(n=Count("pk")))


__all__ += ["count_by_unit"]


def blocked(**filters):
    """Open cases whose latest cross-check has blocking items that no 部领导 has overridden."""
    return cases(**filters).open().with_blocking().filter(is_blocked=True)


def blocked_count(**filters):
    return blocked(**filters).count()


def halted(**filters):
    """暂缓 and 终止 cases with their reasons, newest first."""
    return list(
        cases(**filters).filter(status__in=[CaseStatus.SUSPENDED, CaseStatus.TERMINATED])
        .order_by("-updated_at")
        .values("number", "cadre__name", "proposed_title", "status", "status_reason", "closed_on", "updated_at")
    )


def publicity_feedback(**filters):
    """{"total", "unverified", "by_conclusion": {label: n}, "by_channel": {label: n}}."""
    feedback = PublicityFeedback.objects.filter(publicity__case__in=cases(**filters).values("pk"))
    totals = feedback.aggregate(total=Count("pk"), unverified=Count("pk", filter=Q(conclusion="")))
    conclusions = dict(FeedbackConclusion.choices)
    by_conclusion = {conclusions[c]: n for c, n in feedback.exclude(conclusion="").order_by()
                     .values_list("conclusion").annotate(n=Count("pk"))}
    channels = dict(PublicityFeedback._meta.get_field("channel").choices)
    by_channel = {channels[c]: n for c, n in feedback.order_by().values_list("channel").annotate(n=Count("pk"))}
    return {**totals, "by_conclusion": by_conclusion, "by_channel": by_channel}


def personal_matters(**filters):
    """{result label: n} of the 个人有关事项报告查核 done in vetting."""
    results = dict(PersonalMattersResult.choices)
    rows = (PersonalMattersCheck.objects.filter(case__in=cases(**filters).values("pk")).order_by()
            .values_list("result").annotate(n=Count("pk")))
    return {results[r]: n for r, n in rows}


def summary(**filters):
    return {
        "by_stage": by_stage(**filters),
        "blocked": blocked_count(**filters),
        "halted": halted(**filters),
        "publicity_feedback": publicity_feedback(**filters),
        "personal_matters": personal_matters(**filters),
    }


def feedback_rows(*, user=None, unit=None, since=None, until=None):
    """Publicity feedback on the cases of `cases(...)`, with its verification (no content text), streamed."""
    feedback = (PublicityFeedback.objects.filter(publicity__case__in=cases(user, unit, since, until).values("pk"))
                .select_related("publicity__case__cadre").order_by("received_on", "pk"))
    yield from feedback.iterator(chunk_size=CHUNK)


def own_work(user):
    """{"stages": {status: n}, "open": n, "blocked": n} of the open cases `user` handles (经办) (two queries)."""
    open_cases = VettingCase.objects.visible_to(user).filter(handler=user).open()
    stages = dict(open_cases.order_by().values_list("status").annotate(n=Count("pk")))
    return {"stages": stages, "open": sum(stages.values()),
            "blocked": open_cases.with_blocking().filter(is_blocked=True).count()}
