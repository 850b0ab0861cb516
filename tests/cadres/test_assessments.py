"""Annual assessments (年度考核) and 述职述廉: the rules the services check, and how a refusal reaches the page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres import services
from cadres.models import AnnualAssessment, AssessmentGrade, CadreStatus, MeasureKind, Rank
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture
def cadre(unit_a, staff):
    return CadreFactory(unit=unit_a, actor=staff)


def test_no_excellent_grade_in_the_year_of_an_admonishment(cadre, staff):
    """提醒函询诫勉实施细则 / domain.md §3: 诫勉 — six months' impact period and no 评优 (优秀) that year."""
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2025, 3, 5), "诫勉", actor=staff)
    with pytest.raises(ValueError, match="于2025-03-05受到诫勉，2025年度考核不得确定为优秀等次"):
        services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.EXCELLENT)
    assert not AnnualAssessment.objects.exists()
    services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.COMPETENT)
    services.record_assessment(cadre, actor=staff, year=2024, grade=AssessmentGrade.EXCELLENT)  # another year


def test_a_voided_admonishment_does_not_bar_excellent(cadre, staff):
    measure = services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2025, 3, 5), "诫勉", actor=staff)
    services.void_measure(measure, "录入错误", actor=staff)
    assert services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.EXCELLENT).pk


def test_an_assessment_year_after_this_year_is_refused(cadre, staff):
    """An assessment records what happened: its year is not after the current one (issue 16 §1)."""
    next_year = datetime.date.today().year + 1
    with pytest.raises(ValueError, match=f"考核年度{next_year}年晚于今年"):
        services.record_assessment(cadre, actor=staff, year=next_year, grade=AssessmentGrade.COMPETENT)


def test_unfit_vote_share_over_100_is_refused_before_the_database(cadre, staff):
    """The share is a percentage (constraint cadres_annualassessment_share_percent); the service says so first."""
    with pytest.raises(ValueError, match="不称职票比例应在0到100之间"):
        services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.COMPETENT,
                                   unfit_vote_share=Decimal("120"))


def _probation(cadre, staff, appointed_on, probation_end):
    """A vetting case appointed with a probation, as the vetting app records it (vetting.Appointment)."""
    from vetting.models import Appointment, MoveKind
    from vetting.services import lifecycle

    case = lifecycle.open_case(cadre=cadre, proposed_unit=cadre.unit, proposed_title="镇长",
                               proposed_rank=Rank.SECTION_CHIEF, move_kind=MoveKind.PROMOTION, handler=staff,
                               actor=staff, opened_on=appointed_on - datetime.timedelta(days=90))
    return Appointment.objects.create(case=case, appointed_on=appointed_on, probation_end=probation_end)


def test_no_grade_during_probation_except_not_graded(cadre, staff):
    """《党政领导干部选拔任用工作条例》(2019), 任职试用期, and domain.md §3 "no grade during probation": an
    annual assessment of a year that ends in the 试用期 is only 不确定等次; the probation assessment decides."""
    _probation(cadre, staff, D(2025, 6, 1), D(2026, 6, 1))
    with pytest.raises(ValueError, match=r"2025年度处于试用期（2025-06-01起，试用期至2026-05-31）"):
        services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.EXCELLENT)
    assert services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.NOT_GRADED).pk
    # the year before the probation and the year after it are graded as usual
    services.record_assessment(cadre, actor=staff, year=2024, grade=AssessmentGrade.COMPETENT)
    services.record_assessment(cadre, actor=staff, year=2026, grade=AssessmentGrade.COMPETENT)


def test_a_cadre_marked_on_probation_is_not_graded_this_year(unit_a, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff, status=CadreStatus.PROBATION)
    with pytest.raises(ValueError, match="试用期"):
        services.record_assessment(cadre, actor=staff, year=datetime.date.today().year,
                                   grade=AssessmentGrade.COMPETENT)


def test_excellent_above_20_percent_of_a_unit_warns_with_the_numbers(unit_a, staff):
    """《公务员考核规定》(2020), 优秀等次比例; domain.md §3: 优秀 at most 20% of those assessed
    (CadreSettings.excellent_share_limit): a warning with the numbers, not a refusal."""
    cadres = [CadreFactory(unit=unit_a, actor=staff) for _ in range(5)]
    for cadre in cadres[1:]:
        services.record_assessment(cadre, actor=staff, year=2025, grade=AssessmentGrade.COMPETENT)
    first = services.record_assessment(cadres[0], actor=staff, year=2025, grade=AssessmentGrade.EXCELLENT)
    assert first.share_warning == ""  # 1 of 5 = 20%
    sixth = CadreFactory(unit=unit_a, actor=staff)
    second = services.record_assessment(sixth, actor=staff, year=2025, grade=AssessmentGrade.EXCELLENT)
    assert "已登记考核6人，其中优秀2人，占33.3%，超过20%的比例上限" in second.share_warning
    assert AnnualAssessment.objects.filter(grade=AssessmentGrade.EXCELLENT).count() == 2  # saved all the same


def test_a_duty_report_dated_in_the_future_is_refused(cadre, staff):
    with pytest.raises(ValueError, match="述职日期不能晚于今天"):
        services.record_duty_report(cadre, actor=staff, year=2025, reported_on=D(2099, 1, 1))


# --- pages ------------------------------------------------------------------------------------------------------

def _post(client, cadre, **data):
    return client.post(reverse("cadres:assessment_create", args=[cadre.code]),
                       {"year": 2025, "grade": "competent", "note": "", **data}, follow=True)


def test_a_refused_assessment_shows_the_sentence_and_saves_nothing(client_for, cadre, staff):
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2025, 3, 5), "诫勉", actor=staff)
    response = _post(client_for(staff), cadre, grade="excellent")
    assert response.status_code == 200
    assert "2025年度考核不得确定为优秀等次" in response.content.decode()
    assert not AnnualAssessment.objects.exists()


def test_an_unfit_share_over_100_on_the_page_is_a_sentence_not_a_500(client_for, cadre, staff):
    response = _post(client_for(staff), cadre, unfit_vote_share="150")
    assert response.status_code == 200
    assert "不称职票比例应在0到100之间" in response.content.decode()
    assert not AnnualAssessment.objects.exists()


def test_the_share_warning_reaches_the_page(client_for, unit_a, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    response = _post(client_for(staff), cadre, grade="excellent")
    assert "已登记考核1人，其中优秀1人，占100.0%" in response.content.decode()
    assert AnnualAssessment.objects.get().grade == AssessmentGrade.EXCELLENT
