"""core.bundles: several querysets in one statement give what each would give on its own."""

import datetime

import pytest
from django.db.models import Count

from cadres import services
from cadres.models import AnnualAssessment, Cadre, MeasureKind, SupervisionMeasure
from core import bundles
from core.models import AuditEvent
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture
def cadres(unit_a, unit_b, staff):
    first = CadreFactory(unit=unit_a, actor=staff, name="陈志远")
    second = CadreFactory(unit=unit_b, actor=staff, name="李明")
    services.record_measure(first, MeasureKind.ADMONISHMENT, D(2026, 9, 1), "接受宴请", actor=staff)
    services.record_measure(first, MeasureKind.REMINDER_TALK, D(2026, 10, 1), "提醒", actor=staff)
    AnnualAssessment.objects.create(cadre=first, year=2025, grade="competent", unfit_vote_share="32.50")
    services.update_cadre(first, actor=staff, version=first.version, native_place="浙江杭州")  # an event with changes
    return first, second


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_one_statement_gives_what_each_queryset_gives(cadres, django_assert_num_queries):
    first, _ = cadres
    querysets = {
        "cadres": Cadre.objects.select_related("unit__parent").order_by("name"),
        "measures": first.measures.select_related("created_by").order_by("-date"),
        "assessments": AnnualAssessment.objects.filter(cadre=first),
        "counted": Cadre.objects.annotate(n=Count("measures")).order_by("pk"),
        "values": SupervisionMeasure.objects.values("kind", "date").order_by("date"),
        "tuples": SupervisionMeasure.objects.values_list("code", "date").order_by("date"),
        "flat": Cadre.objects.values_list("pk", flat=True).order_by("pk"),
        "nothing": Cadre.objects.filter(pk__in=[]),
        "empty": Cadre.objects.filter(name="无此人"),
        "events": AuditEvent.objects.order_by("id"),  # JSON (changes), timestamps, IP addresses
    }
    expected = {name: list(queryset) for name, queryset in querysets.items()}
    with django_assert_num_queries(1):
        fetched = bundles.fetch(querysets)
    for name, rows in expected.items():
        assert fetched[name] == rows, name
        for got, want in zip(fetched[name], rows, strict=True):
            if hasattr(want, "_meta"):
                assert _fields(got) == _fields(want), name
    assert [c.unit.parent.name for c in fetched["cadres"]] == [c.unit.parent.name for c in expected["cadres"]]
    assert [c.n for c in fetched["counted"]] == [c.n for c in expected["counted"]]
    assert fetched["measures"][0].created_by == expected["measures"][0].created_by
    assert fetched["assessments"][0].unfit_vote_share == expected["assessments"][0].unfit_vote_share
    assert isinstance(fetched["measures"][0].created_at, datetime.datetime)
    assert [e.changes for e in fetched["events"]] == [e.changes for e in expected["events"]]
    assert any(e.changes for e in fetched["events"])


def _rule(cadres_queryset):
    measures = yield SupervisionMeasure.objects.filter(cadre__in=cadres_queryset).order_by("date")
    more = yield {"cadres": Cadre.objects.filter(pk__in={m.cadre_id for m in measures})}
    return [m.code for m in measures], [c.name for c in more["cadres"]]


def test_run_fetches_each_round_of_every_generator_in_one_statement(cadres, django_assert_num_queries):
    first, second = cadres
    tasks = lambda: {"a": _rule(Cadre.objects.filter(pk=first.pk)),  # noqa: E731
                     "b": _rule(Cadre.objects.filter(pk=second.pk)), "plain": 42}
    with django_assert_num_queries(2):
        bundled = bundles.run(tasks())
    unbundled = bundles.run(tasks(), bundle=False)
    assert bundled == unbundled
    assert bundled["a"][1] == ["陈志远"] and len(bundled["a"][0]) == 2
    assert bundled["b"] == ([], []) and bundled["plain"] == 42
