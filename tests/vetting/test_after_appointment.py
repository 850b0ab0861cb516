"""What happens to the candidate's post around a case: the sheet keeps the post held when the case was opened
(read from the position history, not from the cadre record that the appointment changes); 确认任职 is the 部领导's;
a trial post found 不胜任 is removed and the work arranged at no lower a rank, through cadres.services.change_post."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import CadreStatus, PositionHistory, Rank
from core.models import AuditEvent
from core.refusals import Refused
from tests.factories import CadreFactory
from tests.vetting.conftest import fresh, refused
from vetting import permissions, views
from vetting.models import CaseStatus, MoveKind, ProbationResult, VettingCase
from vetting.services import appointing, inspecting

D = datetime.date
S = CaseStatus
pytestmark = pytest.mark.django_db


def url(name, case, action=None):
    return reverse(f"vetting:{name}", args=[case.number] + ([action] if action else []))


@pytest.fixture
def candidate(town, staff):
    """A deputy with a history: 党政办主任 from 2016, 副镇长 since 2021 (made the way the cadres app makes them)."""
    cadre = CadreFactory(unit=town, actor=staff, name="陈立新", post_title="党政办主任", rank=Rank.PRINCIPAL_STAFF_3,
                       post_since=D(2016, 3, 1))
    from cadres import services as cadre_services

    return cadre_services.change_post(cadre, actor=staff, unit=town, post_title="副镇长", rank=Rank.SECTION_DEPUTY,
                                      start_date=D(2021, 6, 1))


@pytest.fixture
def promoted(candidate, open_case, drive):
    case = open_case(candidate=candidate)
    drive.appointed(case)
    return fresh(case)


def test_sheet_keeps_the_post_held_when_the_case_was_opened(client_for, staff, promoted):
    cadre = promoted.cadre
    cadre.refresh_from_db()
    assert (cadre.post_title, cadre.status) == ("镇长", CadreStatus.PROBATION)  # the record follows the new post
    client = client_for(staff)
    sheet = client.get(url("sheet", promoted)).content.decode()
    assert re.search(r"<th>现任职务</th><td>东山镇副镇长</td>", sheet)
    assert re.search(r"<th>拟任职务</th><td>东山镇镇长", sheet)
    book = load_workbook(io.BytesIO(client.get(url("sheet_xlsx", promoted)).content)).active
    rows = {row[0]: row[1] for row in book.iter_rows(min_row=3, values_only=True)}
    assert rows["现任职务"] == "东山镇副镇长"
    page = client.get(url("case", promoted)).content.decode()
    assert re.search(r'data-testid="post-at-opening">东山镇副镇长<', page)
    listing = client.get(reverse("vetting:index")).content.decode()
    assert "<td>东山镇副镇长</td>" in listing


def test_post_at_opening_follows_the_history_not_a_later_correction_of_the_record(candidate, open_case, staff):
    case = open_case(candidate=candidate)  # opened 2026-09-01
    from cadres import services as cadre_services

    cadre_services.change_post(candidate, actor=staff, unit=candidate.unit, post_title="党委副书记",
                               rank=Rank.SECTION_DEPUTY, start_date=D(2026, 9, 15))
    annotated = VettingCase.objects.with_post_at_opening().get(pk=case.pk)
    assert (annotated.post_at_opening, annotated.rank_at_opening) == ("东山镇副镇长", Rank.SECTION_DEPUTY)
    assert fresh(case).post_at_opening_display == "东山镇副镇长"


def test_never_the_post_the_case_appointed_to_even_when_entered_late(promoted):
    """An appointment dated before the case's opening date (records entered afterwards) is not the post held."""
    VettingCase.objects.filter(pk=promoted.pk).update(opened_on=D(2026, 11, 30))
    assert fresh(promoted).post_at_opening_display == "东山镇副镇长"


def test_a_cadre_without_history_keeps_the_post_left_at_appointment(cadre, case, drive):
    """Older records without position history: the appointment writes the post being left into the history."""
    cadre.positions.all().delete()  # a record from before the history existed
    assert fresh(case).post_at_opening_display == "东山镇副镇长"
    drive.appointed(case)
    assert list(cadre.positions.order_by("start_date").values_list("post_title", "end_date")) == [
        ("副镇长", D(2026, 10, 14)), ("镇长", None)]
    assert fresh(case).post_at_opening_display == "东山镇副镇长"


# --- 确认任职 is the 部领导's; no button on the page that the user may not press ---------------------------------

def _talk_ready(case, drive):
    drive.talk(case)
    drive.record_talk(case)
    return fresh(case)


def test_only_a_leader_confirms_the_appointment(client_for, staff, section_head, leader, case, drive):
    _talk_ready(case, drive)
    data = {"appoint-appointed_on": "2026-10-15", "appoint-document_no": "青组干〔2026〕12号"}
    for user in (staff, section_head):
        with refused("denied"):
            appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=user)
        page = client_for(user).get(url("case", case)).content.decode()
        assert 'data-testid="form-appoint"' not in page and "由部领导确认任职" in page
        assert client_for(user).post(url("action", case, "appoint"), data).status_code == 403
    page = client_for(leader).get(url("case", case)).content.decode()
    assert 'data-testid="form-appoint"' in page and 'data-testid="form-talk"' not in page
    response = client_for(leader).post(url("action", case, "appoint"), data)
    assert response.status_code == 302
    assert fresh(case).status == S.PROBATION
    assert AuditEvent.objects.filter(name="vetting.case.appointment_recorded", actor=leader).exists()


def _offered(html):
    return set(re.findall(r'action="/vetting/RQ-\d{4}-\d{4}/do/([a-z_]+)/"', html))


@pytest.mark.parametrize("persona", ["staff", "section_head", "leader"])
def test_every_action_offered_on_the_page_is_allowed(persona, request, client_for, open_case, drive, cadre):
    """At every stage, each form on the case page posts to an action the user may take (none answers 403)."""
    from tests.factories import CadreFactory

    user = request.getfixturevalue(persona)
    client = client_for(user)
    stages = [open_case(candidate=CadreFactory(unit=cadre.unit)) for _ in range(5)]
    drive.inspection(stages[1])
    drive.publicity(stages[2])
    _talk_ready(stages[3], drive)
    drive.appointed(stages[4])
    inspecting.record_recommendation(stages[0], held_on=D(2026, 9, 2), votes_cast=60, votes_for=20,
                                     actor=drive.staff)  # below 50%: the override is offered
    seen = set()
    for case in stages:
        offered = _offered(client.get(url("case", case)).content.decode())
        for name in offered:
            assert views.ACTIONS[name].allowed(user, case), (persona, fresh(case).status, name)
        seen |= offered
    expected = {
        "staff": {"recommendation", "start_inspection", "archive", "talk", "probation", "suspend", "crosscheck"},
        "section_head": {"recommendation", "override_recommendation", "terminate", "probation", "crosscheck"},
        "leader": {"override_recommendation", "terminate", "appoint"},
    }[persona]
    assert expected <= seen, expected - seen
    if persona == "leader":
        assert seen <= {"override_recommendation", "override_block", "terminate", "appoint"}


# --- 试用期满不胜任: 免去试任职务, work arranged at no lower a rank ---------------------------------------------------

def test_incompetent_removes_the_trial_post_through_the_position_history(promoted, staff, town):
    assessed = D(2027, 10, 20)
    appointing.assess_probation(promoted, result=ProbationResult.INCOMPETENT, assessed_on=assessed,
                                note="试用期考核测评不胜任票超过三分之一", arranged_unit=town, arranged_title="副镇长",
                                arranged_rank=Rank.SECTION_DEPUTY, actor=staff)
    case = fresh(promoted)
    cadre = case.cadre
    assert case.status == S.TRIAL_REMOVED and case.closed_on == assessed
    history = list(cadre.positions.order_by("start_date").values_list("post_title", "start_date", "end_date"))
    assert history[-2:] == [("镇长", D(2026, 10, 15), D(2027, 10, 19)), ("副镇长", assessed, None)]
    assert (cadre.post_title, cadre.rank, cadre.status, cadre.post_since) == (
        "副镇长", Rank.SECTION_DEPUTY, CadreStatus.SERVING, assessed)
    changed = AuditEvent.objects.filter(name="cadres.cadre.post_changed", actor=staff).latest("pk")
    assert "副镇长" in changed.summary and "2027-10-20" in changed.summary
    removed = AuditEvent.objects.get(name="vetting.probation.trial_post_removed")
    assert removed.changes["arranged_rank"] == Rank.SECTION_DEPUTY
    assert removed.changes["before_rank"] == Rank.SECTION_DEPUTY
    assert case.events.filter(step="probation", verb__contains="免去试任职务").exists()


@pytest.mark.parametrize(("rank", "allowed"), [
    (Rank.SECTION_DEPUTY, True), (Rank.PRINCIPAL_STAFF_3, True), (Rank.SECTION_CHIEF, True),
    (Rank.PRINCIPAL_STAFF_4, True), (Rank.STAFF_1, False),
])
def test_arranged_rank_may_not_be_lower_than_before_the_trial(rank, allowed, promoted, staff, town):
    call = lambda: appointing.assess_probation(  # noqa: E731
        promoted, result=ProbationResult.INCOMPETENT, assessed_on=D(2027, 10, 20), note="不胜任", arranged_unit=town,
        arranged_title="综合办干部", arranged_rank=rank, actor=staff)
    if allowed:
        call()
        assert fresh(promoted).cadre.rank == rank
        return
    with pytest.raises(Refused, match="低于试任前职级"):
        call()
    case = fresh(promoted)
    assert case.status == S.PROBATION and case.cadre.post_title == "镇长"  # nothing changed
    assert not case.appointment.probation_result


def test_ranks_compare_across_the_two_ladders():
    from vetting.ranks import not_lower

    assert not_lower(Rank.RESEARCHER_2, Rank.DIVISION_CHIEF) and not_lower(Rank.DIVISION_CHIEF, Rank.RESEARCHER_1)
    assert not not_lower(Rank.RESEARCHER_2, Rank.RESEARCHER_1)  # same level, lower in the series
    assert not not_lower(Rank.SECTION_DEPUTY, Rank.SECTION_CHIEF)
    assert not_lower(Rank.INSPECTOR_2, Rank.BUREAU_DEPUTY) and not not_lower(Rank.STAFF_1, Rank.PRINCIPAL_STAFF_4)
    assert set(__import__("vetting.ranks", fromlist=["LEVELS"]).LEVELS) == set(Rank)


def test_incompetent_needs_the_arranged_post_and_competent_changes_no_post(promoted, staff, town):
    with pytest.raises(Refused, match="安排的单位、职务和职级"):
        appointing.assess_probation(promoted, result=ProbationResult.INCOMPETENT, assessed_on=D(2027, 10, 20),
                                    note="不胜任", actor=staff)
    before = PositionHistory.objects.filter(cadre=promoted.cadre).count()
    appointing.assess_probation(promoted, result=ProbationResult.COMPETENT, assessed_on=D(2027, 10, 15),
                                note="胜任", arranged_unit=town, arranged_title="x", arranged_rank=Rank.STAFF_2,
                                actor=staff)
    case = fresh(promoted)
    assert case.status == S.APPOINTED and case.cadre.post_title == "镇长"
    assert case.cadre.status == CadreStatus.SERVING
    assert PositionHistory.objects.filter(cadre=case.cadre).count() == before


def test_probation_form_offers_the_pre_trial_post_and_works_through_the_page(client_for, staff, promoted, town):
    client = client_for(staff)
    page = client.get(url("case", promoted)).content.decode()
    form = page[page.index('data-testid="form-probation"'):]
    form = form[:form.index("</form>")]
    assert 'value="副镇长"' in form and f'<option value="{town.pk}" selected>' in form
    assert f'<option value="{Rank.SECTION_DEPUTY}" selected>' in form
    data = {"probation-result": ProbationResult.INCOMPETENT, "probation-assessed_on": "2027-10-20",
            "probation-note": "不胜任", "probation-arranged_unit": "", "probation-arranged_title": "",
            "probation-arranged_rank": ""}
    response = client.post(url("action", promoted, "probation"), data)
    assert response.status_code == 400 and "须填写安排的单位、职务和职级" in response.content.decode()
    data.update({"probation-arranged_unit": town.pk, "probation-arranged_title": "副镇长",
                 "probation-arranged_rank": Rank.SECTION_DEPUTY})
    assert client.post(url("action", promoted, "probation"), data).status_code == 302
    page = client.get(url("case", promoted)).content.decode()
    assert re.search(r'data-testid="arranged-post">免去试任职务，2027-10-20起安排为东山镇副镇长（副科）<', page)
    sheet = client.get(url("sheet", promoted)).content.decode()
    assert "免去试任职务，2027-10-20起安排为东山镇副镇长（副科）" in sheet
    assert permissions.can_assess_probation(staff)


def test_move_kinds_without_probation_are_untouched(open_case, candidate, drive):
    case = open_case(candidate=candidate, move_kind=MoveKind.TRANSFER)
    drive.appointed(case)
    assert fresh(case).status == S.APPOINTED
