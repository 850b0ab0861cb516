"""What vetting offers the others: stats for the dashboard, the timeline for the cadre profile, and demo data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres import registry
from tests.factories import CadreFactory, UnitFactory
from vetting import stats, timeline
from vetting.models import ArchiveResult, CaseStatus, FeedbackChannel, FeedbackConclusion, VettingCase
from vetting.services import inspecting, lifecycle, publicizing

D = datetime.date
S = CaseStatus


@pytest.mark.django_db
def test_stats_by_stage_halted_feedback_and_scope(open_case, drive, staff, section_head, cadre, county,
                                                  other_county, other_county_staff):
    first = open_case()
    drive.publicity(first)
    item = publicizing.record_feedback(first, received_on=D(2026, 9, 29), channel=FeedbackChannel.LETTER,
                                       content="反映问题", actor=staff)
    publicizing.verify_feedback(first, item.code, conclusion=FeedbackConclusion.UNTRUE, verification="不实",
                                verified_on=D(2026, 9, 30), actor=staff)
    publicizing.record_feedback(first, received_on=D(2026, 9, 30), channel=FeedbackChannel.ONLINE, content="又一件",
                                actor=staff)
    second = open_case(candidate=CadreFactory(unit=cadre.unit))
    drive.inspection(second)
    inspecting.record_archive_review(second, reviewed_on=D(2026, 9, 3), result=ArchiveResult.FALSIFIED,
                                     problems=["birth_date"], findings="出生日期涂改", actor=staff)
    lifecycle.terminate(second, "档案造假", actor=section_head)

    with CaptureQueriesContext(connection) as queries:
        summary = stats.summary()
    # by stage, blocked, halted, feedback totals, by conclusion, by channel, personal matters: whatever the rows
    assert len(queries) == 7
    stages = {row["status"]: row["count"] for row in summary["by_stage"]}
    assert stages["publicity"] == 1 and stages["terminated"] == 1 and sum(stages.values()) == 2
    assert summary["halted"][0]["number"] == second.number and summary["halted"][0]["status_reason"] == "档案造假"
    assert summary["publicity_feedback"]["total"] == 2 and summary["publicity_feedback"]["unverified"] == 1
    assert summary["publicity_feedback"]["by_conclusion"] == {"不属实": 1}
    assert summary["personal_matters"] == {"一致": 1}
    assert stats.by_stage(user=other_county_staff)[0]["count"] == 0
    assert sum(r["count"] for r in stats.by_stage(unit=UnitFactory(parent=other_county))) == 0
    assert sum(r["count"] for r in stats.by_stage(unit=county)) == 2
    assert sum(r["count"] for r in stats.by_stage(since=D(2026, 10, 1))) == 0


@pytest.mark.django_db
def test_timeline_entries_for_the_cadre_profile(case, drive, cadre):
    drive.appointed(case)
    entries = timeline.entries(cadre)
    assert {e.category for e in entries} == {"任前把关"}
    titles = [e.title for e in entries]
    assert any(t.startswith("任前把关：拟提拔任") for t in titles) and any(t.startswith("任") for t in titles)
    assert all(e.url == case.get_absolute_url() for e in entries)


def test_timeline_is_registered_with_the_cadres_hub():
    assert timeline.entries in registry.timeline_sources()


@pytest.mark.django_db
def test_demo_has_every_stage_and_is_idempotent():
    from cadres import demo as cadres_demo
    from core import demo as core_demo
    from vetting import demo

    context = {}
    core_demo.seed(context)
    cadres_demo.seed(context)
    demo.seed(context)
    statuses = set(VettingCase.objects.values_list("status", flat=True))
    assert statuses == set(S)
    halted = VettingCase.objects.get(status=S.TERMINATED)
    assert halted.archive_review.result == ArchiveResult.FALSIFIED and halted.archive_review.problems == ["birth_date"]
    assert "出生日期" in halted.status_reason
    count = VettingCase.objects.count()
    demo.seed(context)
    assert VettingCase.objects.count() == count
