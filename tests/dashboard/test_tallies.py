"""The board summed from the stored per-unit tallies (core.tallies) equals, figure by figure and chart by chart, the
board counted directly from the cases (figures.build(direct=True), the reference): on the demo data, and on
generated data after creations, state changes, deletions, merges, bulk updates and moves of units and cadres, kept
current by the on-commit refresh alone."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cadres import services as cadre_services
from cadres import snapshots
from cadres.models import Cadre, MeasureKind, Rank, SupervisionMeasure, WarningCount, WarningSnapshot
from core import roles, tallies
from core.models import StatTally, StatTotal, Unit, User
from core.tasks import rebuild_tallies
from dashboard import figures
from dashboard.periods import Period
from petitions import services as petition_services
from petitions import tallies as petition_tallies
from petitions.models import Channel, Conclusion, Petition, PetitionSubject, ProblemCategory, Status
from scripts.bench.scale.run import seed
from tests.factories import CadreFactory, UserFactory
from tests.petitions.factories import force_status, make_petition

D = datetime.date


def periods(today):
    """This year, quarter and month; each board also shows the period before (and twelve months of trend)."""
    return [
        Period.year(today.year),
        Period.quarter(today.year, (today.month + 2) // 3),
        Period.month(today.year, today.month),
    ]


def assert_same_board(user, period, unit, today):
    direct = figures.build(user, period, unit, today, direct=True)
    tallied = figures.build(user, period, unit, today)
    assert [(s.key, s.figures, s.details) for s in tallied.sections] == [
        (s.key, s.figures, s.details) for s in direct.sections
    ], (user, period, unit)
    assert tallied.charts == direct.charts, (user, period, unit)
    assert [(r.unit, r.figures) for r in tallied.regions] == [(r.unit, r.figures) for r in direct.regions], (
        user, period, unit)


def assert_same_boards(users, units, today):
    for user in users:
        for period in periods(today):
            for unit in [None, *units]:
                assert_same_board(user, period, unit, today)


def stored():
    return sorted(StatTally.objects.values_list("unit_id", "metric", "month", "key", "value"))


def totals():
    return sorted(StatTotal.objects.values_list("metric", "month", "key", "value"))


def warning_counts():
    return sorted(WarningCount.objects.values_list("snapshot_id", "unit_id", "code", "warned", "warned_blocking"))


def assert_current():
    """What the on-commit refresh left is what a rebuild from scratch stores: the tallies and their whole-tree
    totals, and the warning snapshots' per-unit counts recounted from their rows."""
    before, summed, counted = stored(), totals(), warning_counts()
    assert counted and summed
    for name in tallies.sources():
        tallies.rebuild(name)
    assert stored() == before
    assert totals() == summed
    for snap in WarningSnapshot.objects.all():
        snapshots._count(snap)  # noqa: SLF001 (the recount from the rows, as the snapshot's writer does it)
    assert warning_counts() == counted


def office_users():
    return list(User.objects.filter(groups__name__in=roles.OFFICE_ROLES).distinct().order_by("pk"))


@pytest.mark.django_db
def test_demo_board_equals_the_direct_count(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (discarded output)
    today = timezone.localdate()
    assert StatTally.objects.filter(metric=petition_tallies.CASES).exists()
    units = list(Unit.objects.filter(parent__isnull=False).order_by("path")[:2])
    assert_same_boards(office_users(), units, today)
    assert_current()


@pytest.fixture
def generated(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return seed(factor=0.0005, seed=7, log=lambda text: None, defer_indexes=False, audit_events=10)


def _changes(generated, today):
    """A mix of what happens to the data between two nightly rebuilds, through the services."""
    head = User.objects.get(username=generated.head_username)
    counties = list(Unit.objects.filter(code__startswith=f"{generated.tag}-K").order_by("code"))
    county, other = counties[0], counties[-1]
    staff = UserFactory(username="tally_staff", unit=county, jurisdiction=county, roles=[roles.STAFF])
    # created: cases this month and last year, one about the section head himself (hidden from him)
    himself = CadreFactory(unit=county, name="科长本人")
    himself.user = head
    himself.save()
    about_him = make_petition(
        staff,
        cadre=himself,
        received_on=today.replace(day=1),
        channel=Channel.LETTER,
        categories=(ProblemCategory.INTEGRITY, ProblemCategory.CONDUCT),
    )
    fresh = [
        make_petition(staff, unit=unit, received_on=day, channel=channel)
        for unit, day, channel in [
            (county, today.replace(day=1), Channel.PHONE_12380),
            (other, today.replace(day=1), Channel.WEB_12380),
            (county, D(today.year - 1, 3, 2), Channel.LETTER),
        ]
    ]
    # state changes: a duplicate merged into a case of another unit, one voided, one concluded
    petition_services.link_duplicate(fresh[1], fresh[0], actor=staff, reason="同一事项")
    petition_services.void(fresh[2], actor=head, reason="登记错误")
    concluded = force_status(about_him, Status.REVIEWING, accepted_on=today.replace(day=1))
    tallies.touch(petition_tallies.SOURCE, [concluded.unit_id])  # force_status is a bulk update
    petition_services.conclude(
        concluded,
        actor=head,
        conclusion=Conclusion.TRUE,
        note="属实",
        measures=[(himself, MeasureKind.ADMONISHMENT)],
        concluded_on=today.replace(day=1),
    )
    # measures: recorded, voided, deleted
    moved = (
        Cadre.objects.filter(unit__in=Unit.objects.filter(path__startswith=county.path)).exclude(pk=himself.pk).first()
    )
    measure = cadre_services.record_measure(
        moved, MeasureKind.REMINDER_TALK, today.replace(day=1), "提醒", actor=head, source_channel="other"
    )
    cadre_services.void_measure(
        SupervisionMeasure.objects.exclude(pk=measure.pk).filter(voided_at__isnull=True).first(), "录入错误", actor=head
    )
    SupervisionMeasure.objects.filter(voided_at__isnull=False).first().delete()
    # a deleted case (test data only: the product voids) and a bulk update of receipt dates, reported by hand
    deleted = (
        Petition.objects.filter(duplicates__isnull=True, duplicate_of__isnull=True)
        .exclude(pk__in=[p.pk for p in [about_him, *fresh]])
        .first()
    )
    PetitionSubject.objects.filter(petition=deleted).delete()
    deleted.events.all().delete()
    deleted.delete()
    backdated = Petition.objects.counted().filter(unit__path__startswith=other.path).first()
    Petition.objects.filter(pk=backdated.pk).update(received_on=D(today.year - 1, 11, 5))
    tallies.touch(petition_tallies.SOURCE, [backdated.unit_id])
    # moves: a cadre with measures transferred to another county, a unit moved under another county
    cadre_services.change_post(
        moved, actor=head, unit=other, post_title="副局长", rank=Rank.SECTION_DEPUTY, start_date=today
    )
    branch = Unit.objects.filter(parent=county).order_by("code").first()
    branch.parent = other
    branch.save()
    return head, staff, [county, other, branch]


def test_generated_board_equals_the_direct_count_after_changes(generated, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    assert StatTally.objects.filter(metric=petition_tallies.CASES).exists()  # the loader rebuilt them
    with django_capture_on_commit_callbacks(execute=True):
        head, staff, units = _changes(generated, today)
    assert Petition.objects.about(head).exists()  # the case about him is in the tallies, not on his board
    head.role_names()  # core.user_facts: his jurisdiction covers every unit, so his boards read the whole-tree totals
    assert tallies.whole_tree(head)
    assert_same_boards([head, staff], units, today)
    assert_current()


def test_rebuild_command_and_task(generated):
    StatTally.objects.all().delete()
    call_command("rebuild_tallies", stdout=open("/dev/null", "w"))  # noqa: SIM115 (discarded output)
    assert StatTally.objects.filter(metric=petition_tallies.CASES).exists()
    rows = rebuild_tallies()
    assert rows["petitions"] == StatTally.objects.filter(metric__startswith="petitions.").count()
