import datetime

import pytest

from cadres import personal_matters as pm
from cadres.models import Cadre, RandomDraw, Verification, VerificationMethod
from core.audit import AuditEvent
from tests.cadres.factories import make_cadre

D = datetime.date


@pytest.fixture
def reporters(county, staff):
    cadres = [make_cadre(county, actor=staff) for _ in range(25)]
    for cadre in cadres[:23]:
        pm.record_report(cadre, actor=staff, year=2026, submitted_on=D(2026, 1, 20))
    return cadres


def test_sample_size_rounds_up():
    assert [pm.sample_size(n, 10) for n in (0, 1, 10, 11, 23)] == [0, 1, 1, 2, 3]


def test_the_draw_is_reproducible_from_its_seed():
    population = list(range(1, 101))
    first = pm.draw_sample(population, 10, seed=42)
    assert first == pm.draw_sample(list(reversed(population)), 10, seed=42)
    assert len(first) == 10
    assert pm.draw_sample(population, 10, seed=43) != first


def test_a_draw_records_seed_population_who_and_when(reporters, staff):
    draw = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all(), seed=2026)
    assert draw.drawn_by == staff and draw.drawn_at is not None and draw.seed == 2026
    assert len(draw.population) == 23  # only those who reported
    assert len(draw.selected) == 3  # 10% of 23, rounded up
    assert pm.reproduce(draw) == draw.selected
    assert set(draw.verifications.values_list("cadre_id", flat=True)) == set(draw.selected)
    assert all(v.method == VerificationMethod.RANDOM and v.report is not None for v in draw.verifications.all())
    event = AuditEvent.objects.get(name="cadres.draw.drawn")
    assert "从23名报告人中抽取3名" in event.summary


def test_those_verified_in_the_same_year_are_excluded(reporters, staff):
    targeted = reporters[0]
    pm.open_targeted_verification(targeted, actor=staff, year=2026, reason="拟提拔")
    first = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all(), seed=1)
    assert targeted.pk not in first.population
    second = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all(), seed=1)
    assert not set(second.population) & set(first.selected)
    assert len(second.population) == 22 - len(first.selected)
    # last year's verifications do not exclude anyone this year
    assert Verification.objects.filter(year=2025).count() == 0


def test_the_draw_stays_in_the_drawers_scope(reporters, staff, other_county_staff, other_county):
    outsider = make_cadre(other_county, actor=other_county_staff)
    pm.record_report(outsider, actor=other_county_staff, year=2026, submitted_on=D(2026, 1, 20))
    draw = pm.draw_random_sample(actor=other_county_staff, year=2026, percent=100,
                                 cadres=Cadre.objects.visible_to(other_county_staff))
    assert draw.selected == [outsider.pk]
    assert list(RandomDraw.objects.visible_to(staff)) == []


def test_an_empty_population_is_refused(county, staff):
    with pytest.raises(ValueError, match="没有可抽取的报告人"):
        pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all())


def test_verification_result_links_a_measure_of_the_same_cadre_only(reporters, staff):
    from cadres import services

    cadre, other = reporters[0], reporters[1]
    verification = pm.open_targeted_verification(cadre, actor=staff, year=2026, reason="举报")
    foreign = services.record_measure(other, "criticism", D(2026, 5, 1), "x", actor=staff)
    with pytest.raises(ValueError, match="不属于该干部"):
        pm.complete_verification(verification, actor=staff, result="omission", verified_on=D(2026, 5, 2),
                                 measure=foreign)
    own = services.record_measure(cadre, "criticism", D(2026, 5, 1), "漏报", actor=staff)
    pm.complete_verification(verification, actor=staff, result="omission", verified_on=D(2026, 5, 2), measure=own)
    assert own.verifications.get() == verification


def test_a_second_annual_report_for_the_same_year_is_refused(reporters, staff):
    with pytest.raises(ValueError, match="已登记"):
        pm.record_report(reporters[0], actor=staff, year=2026, submitted_on=D(2026, 1, 25))
