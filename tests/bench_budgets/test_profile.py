"""The integrity profile (廉政档案): its query count is pinned and does not grow with the cadre's records, and reading
every warning rule, timeline source and case source together (core.bundles) gives what each gives on its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadres.registry import cases_steps
from cadres.timeline import timeline_steps
from cadres.warnings import evaluation
from core import bundles
from tests.bench_budgets.test_query_budgets import SMALL, _grow, _heaviest, _load

# session, user; the cadre; the audit event of the view (savepoint, chain lock, id, previous hash, insert, release);
# three rounds of core.bundles (the settings rows with the profile's tables, the timeline's and the case sources'
# records; then every warning rule and the audit plan's records; then the audit plan's own queries); the user's
# permissions (two: the full ID number); the bell count; the change history.
PROFILE_QUERIES = 16
ALL_SECTIONS = ("positions", "measures", "assessments", "duty_reports", "pm_reports", "timeline", "cases", "warnings")
TIMELINE_CATEGORIES = {"任职经历", "监督措施", "年度考核", "信访举报", "经济责任审计", "联席会议通报", "任前把关"}


def _profile(client, cadre):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cadres/{cadre.code}/")
    assert response.status_code == 200
    return len(queries), response.context


@pytest.fixture
def heaviest(db):
    """The generated cadre with the most records, given what the generator leaves empty for it."""
    from cadres import services
    from cadres.models import MeasureKind
    from vetting.models import VettingCase

    _load(SMALL, 1)
    cadre = _heaviest()[0]
    today = timezone.localdate()
    if not cadre.measures.exists():
        services.record_measure(cadre, MeasureKind.ADMONISHMENT, today, "接受宴请", actor=None)
    if not VettingCase.objects.filter(cadre=cadre).exists():
        VettingCase.objects.filter(pk=VettingCase.objects.order_by("pk").values("pk")[:1]).update(cadre=cadre)
    if not cadre.duty_reports.exists():
        services.record_duty_report(cadre, actor=None, year=today.year - 1, reported_on=today, summary="述职")
    return cadre


def test_profile_query_count_is_pinned_and_does_not_grow(viewer, heaviest):
    viewer.get(f"/cadres/{heaviest.code}/")  # warm-up: content types, session
    count, context = _profile(viewer, heaviest)
    assert count == PROFILE_QUERIES
    assert all(context[name] for name in ALL_SECTIONS), [name for name in ALL_SECTIONS if not context[name]]
    assert TIMELINE_CATEGORIES <= {entry.category for entry in context["timeline"]}
    before = len(context["timeline"])
    _grow(heaviest)  # ten times its petitions, liaison items, measures and past posts
    count, context = _profile(viewer, heaviest)
    assert count == PROFILE_QUERIES
    assert len(context["timeline"]) > 5 * before


def _pass(cadre, bundle):
    today = timezone.localdate()
    return bundles.run({"warnings": evaluation([cadre.pk], today), "timeline": timeline_steps(cadre),
                        "cases": cases_steps(cadre)}, bundle=bundle)


def test_one_statement_per_round_gives_what_each_query_gives(heaviest):
    from cadres.models import Cadre

    cadres = [heaviest, *Cadre.objects.filter(unit__code__startswith="SC1-").order_by("?")[:40]]
    compared = 0
    for cadre in cadres:
        bundled, apart = _pass(cadre, True), _pass(cadre, False)
        assert bundled == apart, cadre.code
        compared += bool(apart["warnings"]) + bool(apart["cases"])
    assert compared  # some of them have warnings or cases
