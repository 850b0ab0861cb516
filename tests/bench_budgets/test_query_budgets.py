"""Query budgets: each main page makes the same number of SQL queries on small data and on data ten times larger.

The data comes from the same generator as the province benchmark (scripts/bench/scale), at a tiny
fraction of province scale, then topped up to ten times that; the user is a section head who sees everything, so
every list shows the larger data on the second round. The profile's cadre gets ten times its records on the second
round (see _grow).
"""

import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from scripts.bench.scale.run import seed

SMALL = 0.0005  # about 100 cadres, 75 petitions, 15 vetting cases
EVENTS = 300


def _load(factor, run_seed):
    return seed(factor=factor, seed=run_seed, log=lambda text: None, defer_indexes=False, audit_events=EVENTS)


def _heaviest():
    """The cadre with the most records of the first load (a principal: audits name principals) and the vetting case
    with the longest record."""
    from cadres.models import Cadre
    from vetting.models import VettingCase

    cadre = (Cadre.objects.filter(unit__code__startswith="SC1-", is_principal=True)
             .annotate(p=Count("petition_subjects", distinct=True), i=Count("liaison_items", distinct=True),
                       a=Count("audit_subjects", distinct=True))
             .order_by("-a", "-i", "-p", "id").first())
    case = (VettingCase.objects.filter(status="probation").annotate(n=Count("events"))
            .order_by("-n", "id").first())
    return cadre, case


def _grow(cadre, times=9):
    """Give the profile's cadre `times` more of each kind of record it already has, taken from other cadres, so
    that its page shows ten times the data on the second round (kinds it has none of stay absent: a prefetch makes
    no query when there is nothing to prefetch for, which is not growth). Audits stay: whether a cadre is due an
    audit depends on the years of its audits, a change of facts rather than of size."""
    from cadres.models import PositionHistory, SupervisionMeasure
    from liaison.models import ReportItem
    from petitions.models import PetitionSubject

    def move(queryset, mine):
        count = mine.count() * times
        ids = list(queryset.values_list("pk", flat=True)[:count])
        queryset.model.objects.filter(pk__in=ids).update(cadre=cadre)

    move(PetitionSubject.objects.exclude(cadre=cadre).exclude(cadre__isnull=True)
         .exclude(petition__subjects__cadre=cadre), PetitionSubject.objects.filter(cadre=cadre))
    move(ReportItem.objects.exclude(cadre=cadre).exclude(cadre__isnull=True), ReportItem.objects.filter(cadre=cadre))
    move(SupervisionMeasure.objects.exclude(cadre=cadre), SupervisionMeasure.objects.filter(cadre=cadre))
    move(PositionHistory.objects.exclude(cadre=cadre).filter(end_date__isnull=False),
         PositionHistory.objects.filter(cadre=cadre, end_date__isnull=False))


def _pages(cadre, case):
    from core.models import Unit

    county = Unit.objects.get(code="SC1-K000")
    return {
        "cadre list, filtered": f"/cadres/?status=serving&rank=section_deputy&unit={county.pk}",
        "cadre list": "/cadres/",
        "cadre name search": f"/cadres/?q={cadre.name[1:]}",
        "cadre profile": f"/cadres/{cadre.code}/",
        "petition list": "/petitions/",
        "petition list, filtered": "/petitions/?status=investigating",
        "vetting case": f"/vetting/{case.number}/",
        "compliance matrix": "/liaison/compliance/",
        "dashboard": "/dashboard/?fresh=1",  # computed each time, not the board kept for a minute
    }


def _counts(client, cadre, case, sql=None):
    counts = {}
    for name, url in _pages(cadre, case).items():
        assert client.get(url).status_code == 200, url  # warm-up: caches, session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(queries)
        if sql is not None:
            sql[name] = [re.sub(r'"s\d+_x\d+"', "s", re.sub(r"\d+", "N", query["sql"]))[:200]
                         for query in queries.captured_queries]
    return counts


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_the_data(viewer):
    from cadres.models import Cadre
    from petitions.models import Petition

    _load(SMALL, 1)
    small_sql, large_sql = {}, {}
    cadre, case = _heaviest()
    small = _counts(viewer, cadre, case, small_sql)
    small_rows = Cadre.objects.count(), Petition.objects.count()
    _load(SMALL * 9, 2)  # now ten times as much
    large_rows = Cadre.objects.count(), Petition.objects.count()
    assert large_rows[0] >= 8 * small_rows[0] and large_rows[1] >= 8 * small_rows[1]
    _grow(cadre)
    large = _counts(viewer, cadre, _heaviest()[1], large_sql)
    differing = {name: (Counter(small_sql[name]) - Counter(large_sql[name]),
                        Counter(large_sql[name]) - Counter(small_sql[name]))
                 for name in small if small[name] != large[name]}
    assert large == small, differing


@pytest.mark.django_db
def test_generator_fills_every_field_of_the_current_schema():
    """The loader writes each model's columns as they are now: a field nobody fills would fail the load."""
    from core.audit import verify_chain
    from petitions.models import ReporterIdentity

    result = _load(SMALL, 3)
    assert result.counts["cadres.Cadre"] >= 50
    assert result.counts["core.AuditEvent"] == EVENTS
    assert verify_chain() == []  # the loaded events continue the hash chain
    identity = ReporterIdentity.objects.first()
    assert identity is not None and identity.phone_token and "13" not in identity.phone_token[:2]
