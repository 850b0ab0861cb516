"""任职回避 (cadres.avoidance) with families read from .lrmx files, as the office gets them."""

import datetime

import pytest
from django.urls import reverse

from cadres import avoidance, services
from cadres.models import AvoidanceReview, AvoidanceRules, Cadre, Rank
from cadres.warnings import FAMILY_WITHHELD, warnings_for
from core import roles
from core.models import AuditEvent, Unit
from core.refusals import Refused
from tests.cadres.lrmx_files import full_fields, id_number, lrmx_file
from tests.cadres.test_lrmx import import_files
from tests.factories import CadreFactory, UnitFactory, UserFactory
from vetting.models import MoveKind
from vetting.services import appointing, lifecycle

pytestmark = pytest.mark.django_db
D = datetime.date

WIFE = {"ChengWei": "妻子", "XingMing": "王丽", "ChuShengRiQi": "197806", "ZhengZhiMianMao": "中共党员",
        "GongZuoDanWeiJiZhiWu": "县纪委监委干部"}
COUSIN = {"ChengWei": "堂弟", "XingMing": "林晓明", "ChuShengRiQi": "198001", "ZhengZhiMianMao": "中共党员",
          "GongZuoDanWeiJiZhiWu": "县纪委监委副主任"}


@pytest.fixture
def family(staff, unit_a, unit_b):
    """林晓东, 县审计局局长 (imported from his 任免审批表 with his wife and a cousin), his wife 王丽 in 县纪委监委, his
    cousin 林晓明 there too."""
    fields = full_fields(XianRenZhiWu="县审计局局长", JiaTingChengYuan=[WIFE, COUSIN])
    import_files(("林晓东.lrmx", lrmx_file(fields)), actor=staff, default_rank=Rank.DIVISION_CHIEF)
    head = Cadre.objects.get(name="林晓东")
    wife = services.create_cadre(actor=staff, unit=unit_a, post_title="科员", rank=Rank.STAFF_1, name="王丽",
                                 gender="F", birth_date=D(1978, 6, 9), post_since=D(2015, 3, 1),
                                 id_number=id_number(D(1978, 6, 9), "F", sequence=21))
    cousin = services.create_cadre(actor=staff, unit=unit_a, post_title="副主任", rank=Rank.SECTION_DEPUTY,
                                   name="林晓明", gender="M", birth_date=D(1980, 1, 15), post_since=D(2018, 3, 1),
                                   id_number=id_number(D(1980, 1, 15), "M", sequence=23))
    return head, wife, cousin


def _codes(cadre):
    return [warning.code for warning in warnings_for(cadre)]


def test_the_family_of_the_form_is_matched_to_cadres_with_evidence(family):
    head, wife, cousin = family
    found = avoidance.relatives([head], AvoidanceRules.current())[head.pk]
    assert {(r.cadre, r.relation) for r in found} == {(wife, "妻子"), (cousin, "堂弟")}
    evidence = next(r.evidence for r in found if r.cadre == wife)
    assert evidence == ("姓名相同", "出生年月相同（1978年6月）", "工作单位及职务“县纪委监委干部”含“县纪委监委”")


def test_a_namesake_born_another_month_or_elsewhere_is_not_a_relative(family, unit_b):
    head, wife, _ = family
    CadreFactory(name="王丽", gender="F", birth_date=D(1978, 7, 1), unit=wife.unit,
                 id_number=id_number(D(1978, 7, 1), "F", sequence=31))
    CadreFactory(name="王丽", gender="F", birth_date=D(1978, 6, 2), unit=UnitFactory(name="县财政局"),
                 id_number=id_number(D(1978, 6, 2), "F", sequence=33))
    found = avoidance.relatives([head], AvoidanceRules.current())[head.pk]
    assert [r.cadre for r in found if r.cadre.name == "王丽"] == [wife]


def test_relatives_in_other_units_are_no_conflict(family):
    head, wife, cousin = family
    assert "avoidance" not in _codes(head) + _codes(wife) + _codes(cousin)


def test_the_wife_proposed_as_finance_head_of_his_unit_blocks_until_a_leader_approves(family, staff, leader, unit_b):
    head, wife, _ = family
    case = lifecycle.open_case(cadre=wife, proposed_unit=unit_b, proposed_title="财务科科长",
                               proposed_rank=Rank.SECTION_CHIEF, move_kind=MoveKind.PROMOTION, handler=staff,
                               actor=staff)

    blocking = [item for item in case.crosschecks.latest("id").items.all() if item.blocking and not item.overridden]
    assert [item.label for item in blocking] == ["拟任职务：任职回避"]
    assert blocking[0].reason.startswith(
        "疑似本人在其亲属任职的县审计局从事组织（人事）、纪检监察、审计、财务工作（财务科科长）"
        "〔亲属：林晓东（林晓东登记其为妻子），局长；依据：姓名相同；出生年月相同（1978年6月）")

    appointing.override_blocking(case, "经核实二人系夫妻，已按规定调整林晓东分工，同意任职", actor=leader)
    assert not [i for i in case.crosschecks.latest("id").items.all() if i.blocking and not i.overridden]


def test_the_cousin_proposed_in_another_unit_is_not_blocked(family, staff, unit_a):
    _, _, cousin = family
    case = lifecycle.open_case(cadre=cousin, proposed_unit=unit_a, proposed_title="财务科科长",
                               proposed_rank=Rank.SECTION_CHIEF, move_kind=MoveKind.PROMOTION, handler=staff,
                               actor=staff)
    assert not [item for item in case.crosschecks.latest("id").items.all() if item.code.startswith("proposed_")]


APPOINTED = D(2026, 11, 2)


def _appoint(cadre, unit, title, actor, on=APPOINTED):
    services.change_post(cadre, unit=unit, post_title=title, rank=cadre.rank, start_date=on, actor=actor)


def test_once_in_post_both_carry_the_blocking_warning_until_dismissed_and_it_returns_when_the_facts_change(
        family, section_head, unit_b):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    wife.refresh_from_db()
    assert "avoidance" in _codes(head) and "avoidance" in _codes(wife)

    conflict = next(c for c in avoidance.conflicts([head]) if c.relative == wife)
    avoidance.decide(section_head, conflict.fingerprint, AvoidanceReview.Decision.DISMISSED, "经核实系同名不同人")
    assert "avoidance" not in _codes(head)
    assert AuditEvent.objects.filter(name="cadres.avoidance.reviewed", actor=section_head).exists()

    _appoint(wife, unit_b, "财务科副科长（主持工作）", section_head, on=D(2026, 11, 20))
    assert "avoidance" in _codes(head)


def test_a_post_of_regional_avoidance_in_ones_native_county(staff, county):
    secretary = CadreFactory(name="陈立", unit=county, post_title="县委书记", native_place="浙江青溪")
    deputy = CadreFactory(name="陈平", unit=county, post_title="副县长", native_place="浙江青溪")
    outsider = CadreFactory(name="陈安", unit=county, post_title="县委书记", native_place="浙江临安")
    township = UnitFactory(name="城关镇", parent=county, kind=Unit.Kind.TOWNSHIP)
    township_secretary = CadreFactory(name="陈明", unit=township, post_title="纪委书记", native_place="浙江青溪")
    hospital = UnitFactory(name="县人民医院", parent=county, kind=Unit.Kind.PUBLIC_INSTITUTION)
    hospital_secretary = CadreFactory(name="陈光", unit=hospital, post_title="纪委书记", native_place="浙江青溪")
    reasons = {c.cadre: c.text for c in avoidance.conflicts([secretary, deputy, outsider, township_secretary,
                                                             hospital_secretary])}
    assert reasons == {secretary: "在本人成长地（青溪）担任县委书记（依据：籍贯“浙江青溪”含“青溪”）"}


def test_the_rules_numbers_are_settings(family, unit_b, section_head):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    rules = AvoidanceRules.current()
    rules.relations = [r for r in rules.relations if r != "妻子"]
    rules.save()
    assert "avoidance" not in _codes(head)


def test_the_page_lists_the_jurisdictions_conflicts_and_records_decisions(client, family, section_head, unit_b,
                                                                          other_county_staff):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    client.force_login(section_head)

    page = client.get(reverse("cadres:avoidance")).content.decode()
    assert "林晓东" in page and "王丽" in page and "待核实（2）" in page

    fingerprint = next(c.fingerprint for c in avoidance.conflicts([head]))
    response = client.post(reverse("cadres:avoidance_decide"), {
        "fingerprint": fingerprint, "decision": "confirmed", "reason": "经核实系夫妻"})
    assert response.status_code == 302
    page = client.get(reverse("cadres:avoidance")).content.decode()
    assert "待核实（1）" in page and "已核实（1）" in page and "经核实系夫妻" in page

    response = client.post(reverse("cadres:avoidance_decide"), {"fingerprint": fingerprint, "decision": "dismissed",
                                                                "reason": " "}, follow=True)
    assert "请填写核实理由" in response.content.decode()


def test_the_page_is_for_those_who_may_see_family_members(client, staff, family):
    client.force_login(staff)
    assert client.get(reverse("cadres:avoidance")).status_code == 403


def test_another_county_sees_none_of_it(client, family, section_head, unit_b, other_county):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    other_head = _other_section_head(other_county)
    assert avoidance.in_jurisdiction(other_head) == []
    fingerprint = next(c.fingerprint for c in avoidance.conflicts([head]))
    with pytest.raises(Refused, match="已不存在"):
        avoidance.decide(other_head, fingerprint, "dismissed", "越权")


def _other_section_head(unit):
    return UserFactory(username="other_head", unit=unit, jurisdiction=unit, roles=[roles.SECTION_HEAD])


# --- who may read the relative (cadres.warnings.shown_to) ------------------------------------------------------

def test_without_the_family_permission_the_conflict_is_shown_without_the_relative(client, family, staff,
                                                                                 section_head, unit_b):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    case = lifecycle.open_case(cadre=head, proposed_unit=unit_b, proposed_title="局长",
                               proposed_rank=Rank.DIVISION_CHIEF, move_kind=MoveKind.TRANSFER, handler=staff,
                               actor=staff)
    pages = [head.get_absolute_url(), reverse("cadres:warnings") + "?rule=avoidance", case.get_absolute_url(),
             reverse("vetting:sheet", args=[case.number])]

    client.force_login(staff)
    for url in pages:
        page = client.get(url).content.decode()
        assert "其亲属在本人任职的县审计局从事组织（人事）、纪检监察、审计、财务工作" in page, url
        assert FAMILY_WITHHELD in page, url
        assert "妻子" not in page and "出生年月相同" not in page, url
    client.force_login(section_head)
    for url in pages:
        page = client.get(url).content.decode()
        assert "王丽（妻子），财务科科长；依据：姓名相同；出生年月相同（1978年6月）" in page, url
        assert FAMILY_WITHHELD not in page, url


def test_the_monthly_workbooks_warning_list_never_names_the_relative(family, section_head, unit_b):
    from cadres import snapshots, stats

    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    snapshots.refresh()
    reasons = [w.reason for _, warnings in stats.warning_rows() for w in warnings if w.code == "avoidance"]
    assert len(reasons) == 2
    assert all(r.endswith(FAMILY_WITHHELD) and "王丽" not in r and "林晓东" not in r for r in reasons)


# --- the ID number of a family member ------------------------------------------------------------------------------

def _wife_row(head):
    return head.family_members.get(name="王丽")


def test_an_id_number_entered_for_the_relative_decides_and_the_conflict_is_no_longer_suspected(
        family, section_head, unit_b):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    services.set_family_id_number(_wife_row(head), wife.id_number, actor=section_head)

    conflict = next(c for c in avoidance.conflicts([head]) if c.relative == wife)
    assert not conflict.suspected and conflict.evidence == ("身份证号相同",)
    assert not conflict.text.startswith("疑似")


def test_a_namesake_with_another_id_number_is_not_the_relative(family, section_head, unit_b):
    head, wife, _ = family
    _appoint(wife, unit_b, "财务科科长", section_head)
    services.set_family_id_number(_wife_row(head), id_number(D(1978, 6, 9), "F", sequence=77), actor=section_head)
    assert "avoidance" not in _codes(head)


def test_the_id_number_is_checked_and_the_log_keeps_it_masked(family, section_head):
    head, wife, _ = family
    row = _wife_row(head)
    with pytest.raises(Refused, match="校验位"):
        services.set_family_id_number(row, wife.id_number[:17] + ("0" if wife.id_number[17] != "0" else "1"),
                                      actor=section_head)
    with pytest.raises(Refused, match="出生年月.*不一致"):
        services.set_family_id_number(row, id_number(D(1979, 6, 9), "F", sequence=21), actor=section_head)
    services.set_family_id_number(row, wife.id_number.lower(), actor=section_head)
    row.refresh_from_db()
    assert row.id_number == wife.id_number
    event = AuditEvent.objects.get(name="cadres.family_member.id_number_recorded")
    assert wife.id_number not in str(event.changes) and row.masked_id_number in str(event.changes)


def test_a_new_form_keeps_the_id_numbers_entered_for_the_same_people(family, staff, section_head):
    head, wife, _ = family
    services.set_family_id_number(_wife_row(head), wife.id_number, actor=section_head)
    son = {"ChengWei": "儿子", "XingMing": "林小东", "ChuShengRiQi": "200501", "ZhengZhiMianMao": "群众",
           "GongZuoDanWeiJiZhiWu": "学生"}
    fields = full_fields(XianRenZhiWu="县审计局局长", JiaTingChengYuan=[WIFE, COUSIN, son])
    import_files(("林晓东.lrmx", lrmx_file(fields)), actor=staff, default_rank=Rank.DIVISION_CHIEF)

    assert head.family_members.count() == 3
    assert _wife_row(head).id_number == wife.id_number


def test_the_profile_form_is_for_editors_who_may_see_family_members(client, family, staff, section_head):
    head, wife, _ = family
    url = reverse("cadres:family_id_number", args=[head.code])
    client.force_login(staff)
    assert client.get(url).status_code == 403

    client.force_login(section_head)
    response = client.post(url, {"member": _wife_row(head).pk, "id_number": "123"})
    assert "身份证号应为18位" in response.content.decode()
    response = client.post(url, {"member": _wife_row(head).pk, "id_number": wife.id_number}, follow=True)
    assert "已登记妻子王丽的身份证号" in response.content.decode()
    assert _wife_row(head).id_number == wife.id_number


def test_the_form_shows_a_registered_number_masked_unless_the_full_number_may_be_seen(family, section_head):
    from cadres.forms import FamilyIdNumberForm

    head, wife, _ = family
    services.set_family_id_number(_wife_row(head), wife.id_number, actor=section_head)
    masked = dict(FamilyIdNumberForm(cadre=head, full_id=False).fields["member"].choices)
    full = dict(FamilyIdNumberForm(cadre=head, full_id=True).fields["member"].choices)
    assert any(label.endswith(f"（已登记：{_wife_row(head).masked_id_number}）") for label in masked.values())
    assert any(label.endswith(f"（已登记：{wife.id_number}）") for label in full.values())
