import datetime
from decimal import Decimal

import pytest

from cadres import personal_matters as pm
from cadres import services
from cadres.models import CadreSettings, CadreStatus, Gender, MeasureKind, VerificationResult
from cadres.registry import register_report_counter, register_warning_rule, unregister_report_counter, warning_rules
from cadres.warnings import evaluate, warnings_for
from tests.factories import CadreFactory

D = datetime.date
TODAY = D(2026, 11, 20)


@pytest.fixture
def cadre(county, staff):
    return CadreFactory(unit=county, actor=staff, birth_date=D(1980, 3, 15), post_since=D(2020, 6, 1))


def codes(cadre, on_date=TODAY):
    return {w.code for w in warnings_for(cadre, on_date)}


def test_a_plain_cadre_has_no_warning(cadre):
    assert codes(cadre) == set()


def test_impact_period_fires_inside_and_not_after(cadre, staff):
    """A period ending on D (诫勉 2026-08-01 + 6 months = 2027-02-01) reads "影响期至D-1": the last day it applies
    (issue 16: one wording everywhere)."""
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2026, 8, 1), "诫勉", actor=staff)
    [warning] = warnings_for(cadre, TODAY)
    assert warning.code == "impact_period" and warning.blocking
    assert warning.reason == "2026-08-01受到诫勉，期内不得提拔，影响期至2027-01-31"
    assert codes(cadre, D(2027, 1, 31)) == {"impact_period"}
    assert codes(cadre, D(2027, 2, 1)) == set()


def test_a_reminder_talk_has_no_impact_period(cadre, staff):
    services.record_measure(cadre, MeasureKind.REMINDER_TALK, D(2026, 8, 1), "提醒", actor=staff)
    assert codes(cadre) == set()


def _verified(cadre, staff, result, on):
    verification = pm.open_targeted_verification(cadre, actor=staff, year=on.year, reason="拟提拔")
    pm.complete_verification(verification, actor=staff, result=result, verified_on=on)


def test_concealment_within_12_months_fires_and_blocks(cadre, staff):
    _verified(cadre, staff, VerificationResult.CONCEALMENT, D(2026, 3, 1))
    [warning] = warnings_for(cadre, TODAY)
    assert (warning.code, warning.blocking) == ("concealment", True)
    assert "瞒报" in warning.reason
    assert codes(cadre, D(2027, 3, 2)) == set()


def test_a_discrepancy_window_ending_on_a_clamped_month_end_reads_the_day_it_applies_last(cadre, staff):
    """《领导干部个人有关事项报告查核结果处理办法》: a 瞒报 cadre is not promoted (blocking, 12 months by default);
    the text names the last day of the window, and the rule stops the day after (issue 16: one wording)."""
    CadreSettings.objects.filter(pk=CadreSettings.current().pk).update(discrepancy_window_months=6)
    _verified(cadre, staff, VerificationResult.CONCEALMENT, D(2026, 8, 31))
    [warning] = warnings_for(cadre, D(2027, 2, 27))
    assert warning.reason.endswith("预警期至2027-02-27")
    assert codes(cadre, D(2027, 2, 28)) == set()


def test_omission_fires_and_consistent_does_not(cadre, county, staff):
    _verified(cadre, staff, VerificationResult.OMISSION, D(2026, 5, 1))
    assert codes(cadre) == {"omission"}
    other = CadreFactory(unit=county, actor=staff)
    _verified(other, staff, VerificationResult.CONSISTENT, D(2026, 5, 1))
    assert codes(other) == set()


def test_unfit_votes_at_the_threshold_fire_below_do_not(cadre, county, staff):
    services.record_assessment(cadre, actor=staff, year=2025, grade="basic", unfit_vote_share=Decimal("30.00"))
    [warning] = warnings_for(cadre, TODAY)
    assert warning.code == "unfit_votes" and "30%" in warning.reason
    other = CadreFactory(unit=county, actor=staff)
    services.record_assessment(other, actor=staff, year=2025, grade="competent", unfit_vote_share=Decimal("29.99"))
    assert codes(other) == set()


def test_unfit_vote_threshold_is_editable(cadre, staff):
    services.record_assessment(cadre, actor=staff, year=2025, grade="competent", unfit_vote_share=Decimal("25"))
    assert codes(cadre) == set()
    CadreSettings.objects.filter(pk=1).update(unfit_vote_threshold=20)
    assert codes(cadre) == {"unfit_votes"}


def test_only_the_latest_assessment_counts_for_unfit_votes(cadre, staff):
    services.record_assessment(cadre, actor=staff, year=2024, grade="basic", unfit_vote_share=Decimal("40"))
    services.record_assessment(cadre, actor=staff, year=2025, grade="competent", unfit_vote_share=Decimal("5"))
    assert codes(cadre) == set()


def test_three_reports_in_12_months_fire_two_do_not(cadre, county, staff):
    other = CadreFactory(unit=county, actor=staff)
    seen = {}

    def counter(cadre_ids, since, until):
        seen["window"] = (since, until)
        return {cadre.pk: 2, other.pk: 1}

    def second_source(cadre_ids, since, until):
        return {cadre.pk: 1}

    register_report_counter(counter)
    register_report_counter(second_source)
    try:
        assert codes(cadre) == {"frequent_reports"}
        assert codes(other) == set()
        assert seen["window"] == (D(2025, 11, 20), TODAY)
        assert "被举报3次" in warnings_for(cadre, TODAY)[0].reason
    finally:
        unregister_report_counter(counter)
        unregister_report_counter(second_source)


def test_same_post_ten_years_fires_nine_do_not(county, staff):
    long_held = CadreFactory(unit=county, actor=staff, post_since=D(2016, 11, 20))
    shorter = CadreFactory(unit=county, actor=staff, post_since=D(2016, 11, 21))
    assert codes(long_held) == {"long_tenure"}
    assert "满10年" in warnings_for(long_held, TODAY)[0].reason
    assert codes(shorter) == set()


def test_a_retired_cadre_is_not_due_a_move(county, staff):
    retired = CadreFactory(unit=county, actor=staff, post_since=D(2010, 1, 1), status=CadreStatus.RETIRED)
    assert codes(retired) == set()


def test_age_threshold_per_gender(county, staff):
    man_52 = CadreFactory(unit=county, actor=staff, birth_date=D(1974, 11, 20))
    man_51 = CadreFactory(unit=county, actor=staff, birth_date=D(1974, 11, 21))
    woman_50 = CadreFactory(unit=county, actor=staff, gender=Gender.FEMALE, birth_date=D(1976, 11, 20))
    woman_49 = CadreFactory(unit=county, actor=staff, gender=Gender.FEMALE, birth_date=D(1976, 11, 21))
    assert codes(man_52) == {"non_leading_age"}
    assert codes(man_51) == set()
    assert codes(woman_50) == {"non_leading_age"}
    assert "已达50周岁" in warnings_for(woman_50, TODAY)[0].reason
    assert codes(woman_49) == set()
    CadreSettings.objects.filter(pk=1).update(non_leading_age_male=55)
    assert codes(man_52) == set()


def test_other_apps_rules_join_the_evaluation(cadre):
    @register_warning_rule("test_open_petition", "测试：有线索具体的信访件", blocking=True)
    def rule(cadres, on_date):
        return {c.pk: ["信访件XF-1未办结"] for c in cadres}

    try:
        found = evaluate([cadre], TODAY)
        assert [(w.code, w.reason, w.blocking) for w in found[cadre.pk]] == [
            ("test_open_petition", "信访件XF-1未办结", True)]
    finally:
        warning_rules()  # a copy: remove from the registry itself
        from cadres import registry

        registry._warning_rules.pop("test_open_petition")


def test_evaluate_uses_a_fixed_number_of_queries(county, staff, django_assert_max_num_queries):
    cadres = [CadreFactory(unit=county, actor=staff, post_since=D(2010, 1, 1)) for _ in range(5)]
    with django_assert_max_num_queries(20):
        few = evaluate(cadres[:1], TODAY)
    with django_assert_max_num_queries(20):
        many = evaluate(cadres, TODAY)
    assert len(few) == 1 and len(many) == 5
