"""The warning snapshot (cadres.snapshots): what lists, the dashboard and the workbook read instead of running every
rule over every cadre."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from cadres import services, snapshots
from cadres.models import CadreWarning, MeasureKind, WarningSnapshot
from cadres.tasks import refresh_warnings
from cadres.warnings import evaluate
from tests.factories import CadreFactory

D = datetime.date


def admonish(cadre, actor, on=None):
    return services.record_measure(cadre, MeasureKind.ADMONISHMENT, on or timezone.localdate(), "诫勉",
                                   actor=actor)


def codes(cadre):
    return sorted(w.code for w in snapshots.warnings_by_cadre([cadre.pk]).get(cadre.pk, []))


def test_first_read_computes_the_snapshot_and_it_says_what_the_rules_say(staff, unit_a, unit_b):
    warned = CadreFactory(unit=unit_a, actor=staff)
    admonish(warned, staff)
    quiet = CadreFactory(unit=unit_b, actor=staff)
    assert not WarningSnapshot.objects.exists()
    found = snapshots.warnings_by_cadre([warned.pk, quiet.pk])
    assert WarningSnapshot.objects.filter(as_of=timezone.localdate()).count() == 1
    live = evaluate([warned.pk, quiet.pk])
    assert found == live
    assert quiet.pk not in found
    row = CadreWarning.objects.get(cadre=warned, code="impact_period")
    assert row.unit_id == unit_a.pk and row.blocking and len(row.reasons) == 1


def test_a_committed_change_refreshes_that_cadre_in_todays_snapshot(staff, unit_a,
                                                                    django_capture_on_commit_callbacks):
    # Every change inside a capture block: a test's transaction never commits, so a change made outside one
    # would leave its batch waiting for a commit that never comes.
    with django_capture_on_commit_callbacks(execute=True):
        cadre = CadreFactory(unit=unit_a, actor=staff)
    snapshots.snapshot()
    assert codes(cadre) == []
    with django_capture_on_commit_callbacks(execute=True):
        admonish(cadre, staff)
    assert codes(cadre) == ["impact_period"]
    with django_capture_on_commit_callbacks(execute=True):
        services.void_measure(cadre.measures.get(), "录入错误", actor=staff)
    assert codes(cadre) == []


def test_a_rolled_back_change_leaves_the_snapshot_alone_and_the_next_one_counts(
        staff, unit_a, unit_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = CadreFactory(unit=unit_a, actor=staff), CadreFactory(unit=unit_b, actor=staff)
    snapshots.snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            admonish(first, staff)
            raise RuntimeError
        admonish(second, staff)
    assert codes(first) == []
    assert codes(second) == ["impact_period"]


def test_only_today_and_past_month_ends_are_kept(staff, unit_a):
    today = timezone.localdate()
    for day in (D(2026, 9, 30), D(2026, 10, 15), D(2026, 10, 31)):
        snapshots.refresh(day)
    snapshots.refresh()
    kept = set(WarningSnapshot.objects.values_list("as_of", flat=True))
    assert kept == {D(2026, 9, 30), D(2026, 10, 31), today}  # the session's today is later than these


def test_a_past_snapshot_reads_the_rules_as_of_its_date(staff, unit_a):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    admonish(cadre, staff, on=D(2026, 10, 1))
    assert snapshots.warnings_by_cadre([cadre.pk], as_of=D(2026, 9, 30)) == {}
    assert [w.code for w in snapshots.warnings_by_cadre([cadre.pk], as_of=D(2026, 10, 31))[cadre.pk]] == [
        "impact_period"]


def test_scope_follows_the_users_jurisdiction(staff, other_county_staff, unit_a):
    admonish(CadreFactory(unit=unit_a, actor=staff), staff)
    assert snapshots.rows().visible_to(staff).count() == 1
    assert snapshots.rows().visible_to(other_county_staff).count() == 0


def test_the_hourly_task_recomputes_today_in_full(staff, unit_a):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    snapshots.snapshot()
    admonish(cadre, staff)  # inside the test's transaction: no commit, so only the full refresh sees it
    result = refresh_warnings.delay().get()
    assert result == {"as_of": timezone.localdate().isoformat(), "warnings": 1}
    assert codes(cadre) == ["impact_period"]
