import datetime

import pytest

from cadres import services
from cadres.deadlines import inquiry_replies, personal_matters_reports
from cadres.models import ImpactPeriod, MeasureKind, SupervisionMeasure
from core import workdays
from core.audit import AuditEvent
from core.deadlines import Level, evaluate
from core.models import WorkCalendarYear
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture
def cadre(county, staff):
    return CadreFactory(unit=county, actor=staff)


def test_impact_period_defaults_come_from_the_domain_table(db):
    months = services.impact_months()
    assert months[MeasureKind.ADMONISHMENT] == 6
    assert months[MeasureKind.POST_ADJUSTMENT] == 12
    assert months[MeasureKind.REMOVAL] == 12
    assert months[MeasureKind.ORDERED_RESIGNATION] == 12
    assert months[MeasureKind.DEMOTION] == 24
    assert months[MeasureKind.REMINDER_TALK] == 0


def test_promotion_barred_until_is_derived_from_the_longest_running_period(cadre, staff):
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2026, 8, 31), "诫勉", actor=staff)
    services.record_measure(cadre, MeasureKind.REMINDER_TALK, D(2026, 9, 10), "提醒", actor=staff)
    until, measure = services.promotion_barred_until(cadre, D(2026, 11, 1))
    assert until == D(2027, 2, 28)  # 6 months, clamped to the month's end
    assert measure.kind == MeasureKind.ADMONISHMENT
    services.record_measure(cadre, MeasureKind.DEMOTION, D(2026, 10, 1), "降职", actor=staff)
    assert services.promotion_barred_until(cadre, D(2026, 11, 1))[0] == D(2028, 10, 1)


def test_no_bar_after_the_period_or_for_a_voided_measure(cadre, staff):
    measure = services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2025, 1, 10), "诫勉", actor=staff)
    assert services.promotion_barred_until(cadre, D(2025, 7, 9)) is not None
    assert services.promotion_barred_until(cadre, D(2025, 7, 10)) is None
    services.void_measure(measure, "录入错误", actor=staff)
    assert services.promotion_barred_until(cadre, D(2025, 3, 1)) is None
    assert SupervisionMeasure.objects.filter(pk=measure.pk).exists()  # voided, never deleted


def test_editing_the_impact_table_changes_the_derived_date(cadre, staff):
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2026, 1, 15), "诫勉", actor=staff)
    ImpactPeriod.objects.filter(kind=MeasureKind.ADMONISHMENT).update(months=9)
    assert services.promotion_barred_until(cadre, D(2026, 2, 1))[0] == D(2026, 10, 15)


def test_inquiry_reply_deadline_is_15_working_days_from_delivery(cadre, staff):
    measure = services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 10, 30), "函询", actor=staff,
                                      delivered_on=D(2026, 11, 2))
    assert measure.reply_due == D(2026, 11, 23) and not measure.reply_due_provisional
    # Across the National Day holiday the working-day calendar decides, not a count of weekdays.
    other = services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 9, 28), "函询", actor=staff,
                                    delivered_on=D(2026, 9, 28))
    assert other.reply_due == workdays.add_working_days(D(2026, 9, 28), 15).date
    assert other.reply_due > D(2026, 10, 19)
    event = AuditEvent.objects.filter(name="cadres.measure.created").latest("id")
    assert "答复期限" in event.summary


def test_a_deadline_in_an_unknown_year_is_provisional_and_recomputed_once_entered(cadre, staff, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: D(2027, 12, 31))  # a measure is never future
    measure = services.record_measure(cadre, MeasureKind.INQUIRY, D(2027, 12, 20), "函询", actor=staff,
                                      delivered_on=D(2027, 12, 20))
    assert measure.reply_due_provisional
    WorkCalendarYear.objects.create(year=2028, source="测试")
    WorkCalendarYear.objects.get_or_create(year=2027, defaults={"source": "测试"})
    measure.refresh_from_db()
    assert not measure.reply_due_provisional


def test_reply_is_recorded_once_and_stops_the_reminders(cadre, staff):
    measure = services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 11, 2), "函询", actor=staff,
                                      delivered_on=D(2026, 11, 2))
    due = evaluate(inquiry_replies, D(2026, 11, 24))
    assert [(d.level, d.target) for d in due] == [(Level.OVERDUE, measure)]
    assert due[0].recipients == (staff,)
    services.record_inquiry_reply(measure, D(2026, 11, 20), "书面说明", actor=staff)
    assert evaluate(inquiry_replies, D(2026, 11, 24)) == []
    with pytest.raises(ValueError, match="已答复"):
        services.record_inquiry_reply(measure, D(2026, 11, 21), "再次", actor=staff)


def test_inquiry_deadline_levels(cadre, staff):
    services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 11, 2), "函询", actor=staff,
                            delivered_on=D(2026, 11, 2))
    assert [d.level for d in evaluate(inquiry_replies, D(2026, 11, 10))] == []
    assert [d.level for d in evaluate(inquiry_replies, D(2026, 11, 20))] == [Level.NOTICE]
    assert [d.level for d in evaluate(inquiry_replies, D(2026, 11, 23))] == [Level.WARNING]


def test_missing_personal_matters_reports_are_reported_after_31_january(cadre, staff, section_head):
    from cadres import personal_matters as pm

    reported = CadreFactory(unit=cadre.unit, actor=staff)
    pm.record_report(reported, actor=staff, year=2026, submitted_on=D(2026, 1, 20))
    assert evaluate(personal_matters_reports, D(2026, 1, 10)) == []
    soon = evaluate(personal_matters_reports, D(2026, 1, 28))
    assert [(d.target, d.level) for d in soon] == [(cadre, Level.NOTICE)]
    late = evaluate(personal_matters_reports, D(2026, 2, 3))
    assert [(d.target, d.level, d.due_date) for d in late] == [(cadre, Level.OVERDUE, D(2026, 1, 31))]
    assert set(late[0].recipients) == {staff, section_head}


def test_a_change_of_post_keeps_the_history_and_the_cadre_in_step(cadre, staff, unit_a):
    services.change_post(cadre, actor=staff, unit=unit_a, post_title="副主任", rank="section_deputy",
                         start_date=D(2025, 3, 1))
    cadre.refresh_from_db()
    current = cadre.positions.get(end_date__isnull=True)
    assert (cadre.unit, cadre.post_title, cadre.post_since) == (unit_a, "副主任", D(2025, 3, 1))
    assert (current.unit, current.post_title, current.start_date) == (unit_a, "副主任", D(2025, 3, 1))
    assert cadre.positions.get(end_date__isnull=False).end_date == D(2025, 2, 28)
    with pytest.raises(ValueError, match="应晚于"):
        services.change_post(cadre, actor=staff, unit=unit_a, post_title="x", rank="section_deputy",
                             start_date=D(2025, 3, 1))


# --- 党纪处分, 政务处分, and the bars after 责令辞职/免职 ---------------------------------------------------------

@pytest.mark.parametrize("kind, months", [
    (MeasureKind.PARTY_WARNING, 12), (MeasureKind.PARTY_SERIOUS_WARNING, 18),
    (MeasureKind.PARTY_POST_REVOKED, 24), (MeasureKind.PARTY_PROBATION_1Y, 36),
    (MeasureKind.PARTY_PROBATION_2Y, 48), (MeasureKind.PARTY_EXPULSION, 60),
])
def test_party_discipline_impact_periods(db, kind, months):
    """《中国共产党纪律处分条例》(2023) 第十条 (警告 一年, 严重警告 一年半), 第十一条 (撤销党内职务 二年), 第十二条
    (留党察看: 察看期 + 二年 after the rights are restored), 第十三条 (开除党籍 五年)."""
    assert services.impact_months()[kind] == months


@pytest.mark.parametrize("kind, months", [
    (MeasureKind.GOV_WARNING, 6), (MeasureKind.GOV_DEMERIT, 12), (MeasureKind.GOV_MAJOR_DEMERIT, 18),
    (MeasureKind.GOV_DEMOTION, 24), (MeasureKind.GOV_DISMISSAL, 24),
])
def test_government_sanction_periods(db, kind, months):
    """《公职人员政务处分法》(2020) 第八条: 警告 6, 记过 12, 记大过 18, 降级·撤职 24 months."""
    assert services.impact_months()[kind] == months


def test_a_party_serious_warning_bars_promotion_for_18_months(cadre, staff):
    """纪律处分条例 (2023) 第十条: 严重警告 — 一年半内不得在党内提拔职务."""
    services.record_measure(cadre, MeasureKind.PARTY_SERIOUS_WARNING, D(2025, 3, 10), "违反廉洁纪律", actor=staff)
    assert services.promotion_barred_until(cadre, D(2026, 9, 9))[0] == D(2026, 9, 10)
    assert services.promotion_barred_until(cadre, D(2026, 9, 10)) is None


def test_removal_bars_any_post_for_12_months_and_a_higher_one_for_24(cadre, staff):
    """《中国共产党问责条例》(2019), 《推进领导干部能上能下规定》(2022): after 责令辞职/免职, no post for a year, and
    nothing above the former level for two; the warning says which applies."""
    from cadres.warnings import warnings_for

    services.record_measure(cadre, MeasureKind.REMOVAL, D(2025, 6, 1), "问责免职", actor=staff)
    first_year = [w.reason for w in warnings_for(cadre, D(2026, 1, 1)) if w.code == "impact_period"]
    assert first_year == ["2025-06-01受到免职，期内不得担任高于原职务层次的职务，影响期至2027-05-31",
                          "2025-06-01受到免职，期内不得安排职务，影响期至2026-05-31"]
    second_year = [w.reason for w in warnings_for(cadre, D(2026, 6, 1)) if w.code == "impact_period"]
    assert second_year == ["2025-06-01受到免职，期内不得担任高于原职务层次的职务，影响期至2027-05-31"]
    assert services.promotion_barred_until(cadre, D(2026, 6, 1))[0] == D(2027, 6, 1)
    assert services.promotion_barred_until(cadre, D(2027, 6, 1)) is None


def test_the_higher_post_bar_is_an_editable_setting(cadre, staff):
    ImpactPeriod.objects.filter(kind=MeasureKind.ORDERED_RESIGNATION).update(higher_post_months=30)
    services.record_measure(cadre, MeasureKind.ORDERED_RESIGNATION, D(2025, 1, 15), "责令辞职", actor=staff)
    assert services.promotion_barred_until(cadre, D(2026, 2, 1))[0] == D(2027, 7, 15)


def test_a_measure_dated_in_the_future_is_refused(cadre, staff):
    """A measure records what was decided: its date, and a 函询's delivery, are not after today (issue 16 §1)."""
    with pytest.raises(ValueError, match="诫勉日期不能晚于今天"):
        services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2099, 1, 1), "诫勉", actor=staff)
    inquiry = services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 11, 2), "函询", actor=staff)
    with pytest.raises(ValueError, match="送达日期不能晚于今天"):
        services.record_inquiry_delivery(inquiry, D(2099, 1, 1), actor=staff)
    assert cadre.measures.count() == 1


def test_the_profile_says_which_bar_applies(client, client_for, cadre, staff):
    services.record_measure(cadre, MeasureKind.REMOVAL, D(2026, 6, 1), "问责免职", actor=staff)
    body = client_for(staff).get(cadre.get_absolute_url()).content.decode()
    assert "期内不得安排职务，影响期至2027-05-31" in body
    assert "期内不得担任高于原职务层次的职务，影响期至2028-05-31" in body
