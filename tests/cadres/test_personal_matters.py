import datetime

import pytest
from django.urls import reverse

from cadres import personal_matters as pm
from cadres.models import Cadre, CadreSettings, RandomDraw, ReportKind, VerificationMethod
from core.audit import AuditEvent
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture
def reporters(county, staff):
    cadres = [CadreFactory(unit=county, actor=staff) for _ in range(25)]
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


def test_a_draw_records_seed_population_who_and_when(reporters, staff, monkeypatch):
    """随机抽查 10% (local practice since 2015, CadreSettings.sample_percent); the seed comes from the system's
    secure generator (secrets), never from the user, and is recorded so the draw can be checked (issue 16 §5)."""
    monkeypatch.setattr("cadres.personal_matters.secrets.randbits", lambda bits: 2026)
    draw = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all())
    assert draw.drawn_by == staff and draw.drawn_at is not None and draw.seed == 2026
    assert len(draw.population) == 23  # only those who reported
    assert len(draw.selected) == 3  # 10% of 23, rounded up
    assert pm.reproduce(draw) == draw.selected
    assert set(draw.verifications.values_list("cadre_id", flat=True)) == set(draw.selected)
    assert all(v.method == VerificationMethod.RANDOM and v.report is not None for v in draw.verifications.all())
    event = AuditEvent.objects.get(name="cadres.draw.drawn")
    assert "从23名报告人中抽取3名" in event.summary and event.changes["seed"] == [None, "2026"]


def test_the_seed_cannot_be_chosen_by_the_caller(reporters, staff):
    """The seed is generated, never typed (issue 16 §5): the service takes no seed and the form has no field."""
    from cadres.forms import DrawForm

    with pytest.raises(TypeError):
        pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all(), seed=1)
    assert "seed" not in DrawForm().fields


def test_the_draw_is_taken_from_all_reporters_including_those_already_verified(reporters, staff):
    """The 10% is drawn from ALL the year's reporters (《领导干部个人有关事项报告查核结果处理办法》; issue 16 §5),
    not from those left after 重点查核."""
    targeted = reporters[0]
    pm.open_targeted_verification(targeted, actor=staff, year=2026, reason="拟提拔")
    draw = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all())
    assert targeted.pk in draw.population and len(draw.population) == 23


def test_one_draw_a_year_unless_the_section_head_opens_another_with_a_reason(reporters, staff, section_head):
    """One 随机抽查 a year per scope; a second only by the 科室负责人, with a reason, audited (issue 16 §5)."""
    pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all())
    with pytest.raises(ValueError, match="须由科室负责人填写理由"):
        pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all(), reason="补抽")
    with pytest.raises(ValueError, match="再次抽取须填写理由"):
        pm.draw_random_sample(actor=section_head, year=2026, cadres=Cadre.objects.all(), reason="  ")
    assert RandomDraw.objects.count() == 1
    second = pm.draw_random_sample(actor=section_head, year=2026, cadres=Cadre.objects.all(),
                                   reason="首次抽取范围有误")
    assert second.reason == "首次抽取范围有误"
    event = AuditEvent.objects.get(name="cadres.draw.redrawn")
    assert "再次抽取理由：首次抽取范围有误" in event.summary
    # another year is a first draw again
    pm.record_report(reporters[0], actor=staff, year=2025, submitted_on=D(2025, 1, 20))
    assert pm.draw_random_sample(actor=staff, year=2025, cadres=Cadre.objects.all()).reason == ""


def test_a_draw_for_a_future_year_is_refused(reporters, staff):
    with pytest.raises(ValueError, match="晚于今年"):
        pm.draw_random_sample(actor=staff, year=2099, cadres=Cadre.objects.all())


def test_the_draw_stays_in_the_drawers_scope(reporters, staff, other_county_staff, other_county):
    outsider = CadreFactory(unit=other_county, actor=other_county_staff)
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


# --- 事项变化 and 新任 reports: 30 days --------------------------------------------------------------------------

def test_a_change_report_is_due_30_days_after_the_event_and_the_scan_reminds(county, staff):
    """《领导干部报告个人有关事项规定》: a change in family matters, or a new cadre, is reported within 30 days
    (CadreSettings.change_report_days); the office registers what is owed and the core scan reminds it."""
    from cadres.deadlines import change_and_new_reports
    from core.deadlines import Level, evaluate

    cadre = CadreFactory(unit=county, actor=staff)
    owed = pm.expect_report(cadre, actor=staff, kind=ReportKind.CHANGE, event_on=D(2026, 10, 10))
    assert owed.due_on == D(2026, 11, 9) and owed.is_pending
    assert evaluate(change_and_new_reports, D(2026, 10, 20)) == []  # not yet in the notice window
    [due] = evaluate(change_and_new_reports, D(2026, 11, 10))
    assert (due.level, due.target, due.recipients) == (Level.OVERDUE, owed, (staff,))
    filed = pm.record_report(cadre, actor=staff, year=2026, kind=ReportKind.CHANGE, event_on=D(2026, 10, 10),
                             submitted_on=D(2026, 11, 12))
    assert filed.pk == owed.pk and not filed.is_pending
    assert evaluate(change_and_new_reports, D(2026, 11, 20)) == []
    assert "逾期报告" in AuditEvent.objects.filter(name="cadres.pm_report.recorded").latest("id").summary


def test_a_new_cadre_report_counts_from_the_appointment_and_the_days_are_a_setting(county, staff):
    """新任 within 30 days of taking the post; the number is an editable setting (系统管理员, admin)."""
    CadreSettings.objects.filter(pk=CadreSettings.current().pk).update(change_report_days=20)
    cadre = CadreFactory(unit=county, actor=staff)
    owed = pm.expect_report(cadre, actor=staff, kind=ReportKind.NEW, event_on=D(2026, 11, 1))
    assert owed.due_on == D(2026, 11, 21)


def test_change_reports_need_an_event_date_not_in_the_future(county, staff):
    """Dates of what already happened are refused in the future (issue 16 §1), whatever calls the service."""
    cadre = CadreFactory(unit=county, actor=staff)
    with pytest.raises(ValueError, match="须填写事项发生日期"):
        pm.record_report(cadre, actor=staff, year=2026, kind=ReportKind.CHANGE, submitted_on=D(2026, 5, 1))
    with pytest.raises(ValueError, match="事项发生日期不能晚于今天"):
        pm.expect_report(cadre, actor=staff, kind=ReportKind.CHANGE, event_on=D(2099, 1, 1))
    with pytest.raises(ValueError, match="报告日期不能早于事项发生日期"):
        pm.record_report(cadre, actor=staff, year=2026, kind=ReportKind.NEW, event_on=D(2026, 5, 2),
                         submitted_on=D(2026, 5, 1))
    with pytest.raises(ValueError, match="报告日期不能晚于今天"):
        pm.record_report(cadre, actor=staff, year=2026, submitted_on=D(2099, 1, 1))
    assert not cadre.personal_matters_reports.exists()


def test_verification_dates_in_the_future_are_refused(reporters, staff):
    """A verification is completed on a past date, for a year not after this one (issue 16 §1)."""
    verification = pm.open_targeted_verification(reporters[0], actor=staff, year=2026, reason="拟提拔")
    with pytest.raises(ValueError, match="查核完成日期不能晚于今天"):
        pm.complete_verification(verification, actor=staff, result="consistent", verified_on=D(2099, 1, 1))
    with pytest.raises(ValueError, match="查核年度2099年晚于今年"):
        pm.open_targeted_verification(reporters[0], actor=staff, year=2099, reason="拟提拔")
    verification.refresh_from_db()
    assert verification.result == ""


# --- pages ------------------------------------------------------------------------------------------------------

def test_the_draw_list_shows_only_the_users_jurisdiction(client_for, reporters, staff, other_county_staff,
                                                          other_county):
    """The list of draws (who drew, share, seed) goes through RandomDraw.visible_to: another county's draws are
    not shown, and the page says the draw is taken from all reporters."""
    outsider = CadreFactory(unit=other_county, actor=other_county_staff)
    pm.record_report(outsider, actor=other_county_staff, year=2026, submitted_on=D(2026, 1, 20))
    theirs = pm.draw_random_sample(actor=other_county_staff, year=2026,
                                   cadres=Cadre.objects.visible_to(other_county_staff))
    ours = pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.visible_to(staff))
    response = client_for(staff).get(reverse("cadres:personal_matters"), {"year": 2026})
    assert list(response.context["draws"]) == [ours]
    body = response.content.decode()
    assert str(ours.seed) in body and str(theirs.seed) not in body
    assert "全部</b>已报告的干部" in body
    assert client_for(staff).get(theirs.get_absolute_url()).status_code == 404
    other = client_for(other_county_staff).get(reverse("cadres:personal_matters"), {"year": 2026})
    assert list(other.context["draws"]) == [theirs]


def test_a_refused_second_draw_shows_the_reason_and_saves_nothing(client_for, reporters, staff):
    pm.draw_random_sample(actor=staff, year=2026, cadres=Cadre.objects.all())
    response = client_for(staff).post(reverse("cadres:draw_create"), {"year": 2026, "percent": "10"}, follow=True)
    assert response.status_code == 200
    assert "须由科室负责人填写理由" in response.content.decode()
    assert RandomDraw.objects.count() == 1


def test_a_change_report_without_event_date_is_refused_on_the_page(client_for, county, staff):
    cadre = CadreFactory(unit=county, actor=staff)
    response = client_for(staff).post(reverse("cadres:report_create", args=[cadre.code]),
                                      {"year": 2026, "kind": "change", "submitted_on": "2026-05-01"})
    assert response.status_code == 200
    assert "事项变化报告和新任报告须填写事项发生日期" in response.content.decode()
    assert not cadre.personal_matters_reports.exists()


def test_the_expected_report_page_registers_the_deadline(client_for, county, staff):
    cadre = CadreFactory(unit=county, actor=staff)
    response = client_for(staff).post(reverse("cadres:report_expect", args=[cadre.code]),
                                      {"kind": "new", "event_on": "2026-11-20"})
    assert response.status_code == 302
    assert cadre.personal_matters_reports.get().due_on == D(2026, 12, 20)
