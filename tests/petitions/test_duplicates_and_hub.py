"""Duplicate proposals, statistics counting a case once, and what petitions contribute to the cadres hub."""

import datetime

from cadres import registry
from petitions import duplicates, services, stats
from petitions.models import Conclusion, Disposal
from petitions.warnings import WARNING_CODE
from tests.factories import CadreFactory
from tests.petitions.factories import make_petition


def _candidates(new, user):
    return {candidate.petition.code: candidate.reasons for candidate in duplicates.for_petition(new, user)}


def test_same_cadre_and_overlapping_category_within_12_months(staff):
    cadre = CadreFactory(unit=staff.jurisdiction)
    old = make_petition(staff, cadre=cadre, categories=["integrity", "selection"], summary="甲事项",
                        received_on=datetime.date(2025, 6, 1))
    too_old = make_petition(staff, cadre=cadre, categories=["integrity"], summary="乙事项",
                            received_on=datetime.date(2025, 2, 1))
    other_category = make_petition(staff, cadre=cadre, categories=["performance"], summary="丙事项",
                                   received_on=datetime.date(2026, 1, 5))
    new = make_petition(staff, cadre=cadre, categories=["integrity"], summary="丁事项",
                        received_on=datetime.date(2026, 3, 2))
    found = _candidates(new, staff)
    assert found == {old.code: ("同一被反映人、问题类别相同",)}
    assert too_old.code not in found and other_category.code not in found


def test_similar_text_is_proposed_even_for_another_cadre(staff):
    old = make_petition(staff, summary="反映县教育局局长在中层干部选拔中打招呼搞暗箱操作")
    unrelated = make_petition(staff, summary="建议改善乡镇道路交通安全设施")
    new = make_petition(staff, summary="举报县教育局局长中层干部选拔时打招呼、暗箱操作")
    found = _candidates(new, staff)
    assert old.code in found and found[old.code][0].startswith("内容相似")
    assert unrelated.code not in found


def test_proposals_respect_the_viewers_scope(staff, other_county_staff):
    old = make_petition(staff, summary="反映县教育局局长在中层干部选拔中打招呼搞暗箱操作")
    new = make_petition(other_county_staff, summary="反映县教育局局长在中层干部选拔中打招呼搞暗箱操作")
    assert old.code not in _candidates(new, other_county_staff)


def test_statistics_count_a_case_once_with_its_reports(staff, section_head):
    cadre = CadreFactory(unit=staff.jurisdiction)
    main = make_petition(staff, cadre=cadre, categories=["integrity", "conduct"])
    for _ in range(2):
        services.link_duplicate(make_petition(staff, cadre=cadre, named=False), main, actor=staff)
    voided = make_petition(staff, named=False, channel="letter")
    services.void(voided, actor=section_head, reason="误录")
    other = make_petition(staff, named=False, channel="letter", categories=["conduct"],
                          received_on=datetime.date(2026, 4, 3))
    services.propose(other, actor=staff, disposal=Disposal.CLOSE, reason="无实质内容")
    services.approve(other, actor=section_head)
    totals = stats.totals(user=staff, on_date=datetime.date(2026, 3, 10))
    assert (totals["cases"], totals["reports"], totals["open"]) == (2, 4, 1)
    assert {row["key"]: (row["cases"], row["reports"]) for row in stats.by_channel(user=staff)} == {
        "phone_12380": (1, 3), "letter": (1, 1)}
    assert {row["key"]: (row["cases"], row["reports"]) for row in stats.by_category(user=staff)} == {
        "integrity": (1, 3), "conduct": (2, 4)}
    assert [(row["label"], row["cases"]) for row in stats.by_month(user=staff)] == [("2026-03", 1), ("2026-04", 1)]
    assert [(row["key"], row["cases"]) for row in stats.by_conclusion(user=staff)] == [("", 1)]
    assert stats.by_unit(user=staff)[0]["cases"] == 2
    assert stats.totals(user=staff, start=datetime.date(2026, 4, 1))["cases"] == 1
    assert stats.totals(unit=CadreFactory().unit)["cases"] == 0
    assert stats.summary(user=staff)["totals"]["reports"] == 4


def test_overdue_count(staff):
    make_petition(staff, received_on=datetime.date(2026, 3, 2))  # acceptance notice due 2026-03-23
    assert stats.totals(user=staff, on_date=datetime.date(2026, 3, 23))["overdue"] == 0
    assert stats.totals(user=staff, on_date=datetime.date(2026, 3, 24))["overdue"] == 1


def test_open_case_with_specific_clues_warns_and_blocks_vetting(staff, section_head):
    cadre = CadreFactory(unit=staff.jurisdiction)
    vague = CadreFactory(unit=staff.jurisdiction)
    case = make_petition(staff, cadre=cadre, clues_specific=True)
    make_petition(staff, cadre=vague, clues_specific=False)
    rule = registry.warning_rules()[WARNING_CODE]
    assert rule.blocking
    flagged = rule.evaluate(type(cadre).objects.filter(pk__in=[cadre.pk, vague.pk]), datetime.date(2026, 3, 10))
    assert list(flagged) == [cadre.pk]
    assert case.code in flagged[cadre.pk][0]
    refs = registry.cases_about(cadre, "petition")
    assert [(ref.code, ref.is_open, ref.blocks_vetting) for ref in refs] == [(case.code, True, True)]
    assert "钱多多" not in refs[0].label

    services.propose(case, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="x")
    services.approve(case, actor=section_head)
    services.submit_findings(case, actor=staff, findings="y")
    services.conclude(case, actor=section_head, conclusion=Conclusion.FALSE, note="不属实", clear_name=True)
    assert rule.evaluate(type(cadre).objects.filter(pk=cadre.pk), datetime.date(2026, 3, 10)) == {}
    assert registry.cases_about(cadre, "petition")[0].blocks_vetting is False


def test_concluded_cases_on_the_profile_timeline(staff, section_head):
    cadre = CadreFactory(unit=staff.jurisdiction)
    case = make_petition(staff, cadre=cadre)
    services.propose(case, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="x")
    services.approve(case, actor=section_head)
    from petitions.timeline import timeline

    assert timeline(cadre) == []
    services.submit_findings(case, actor=staff, findings="y")
    services.conclude(case, actor=section_head, conclusion=Conclusion.PARTLY_TRUE, note="部分属实",
                      concluded_on=datetime.date(2026, 4, 1))
    entries = [entry for source in registry.timeline_sources() for entry in source(cadre)
               if entry.category == "信访举报"]
    expected = [(datetime.date(2026, 4, 1), f"信访举报件 {case.code} 办结：部分属实")]
    assert [(e.date, e.title) for e in entries] == expected


def test_report_counter(staff):
    cadre = CadreFactory(unit=staff.jurisdiction)
    main = make_petition(staff, cadre=cadre, received_on=datetime.date(2026, 1, 5))
    services.link_duplicate(make_petition(staff, cadre=cadre, received_on=datetime.date(2026, 2, 5)), main,
                            actor=staff)
    from petitions.warnings import report_counts

    assert report_counts([cadre.pk], datetime.date(2025, 3, 1), datetime.date(2026, 3, 1)) == {cadre.pk: 2}
