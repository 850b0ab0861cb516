"""The set-based deadline scan notifies exactly what the Python loop did (tests/support/deadline_oracle), on
generated data (scripts/bench/scale: several counties, office users of each role, cases in every state, due dates
spread around the base date), on days before, at and after the warning thresholds; and its number of queries does
not grow with the data.

The generated data is made more varied first: recorders who left (inactive: the covering users hear instead), 暂定
dates (not escalated), transfers awaiting a reply."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import deadlines, roles
from core.models import Notification, User
from petitions.models import Petition, Transfer
from scripts.bench.scale.run import seed
from tests.support import deadline_oracle

TODAY = datetime.date(2026, 12, 5)  # the generator's base date
# Before, at and after the notice window, the due day and the 30-day escalation of many generated due dates; the
# annual personal-matters report (31 January) and the plenary meeting's year end.
DAYS = [TODAY + datetime.timedelta(days=n) for n in (-45, -20, -6, -1, 0, 1, 3, 5, 9, 20, 36)] + [
    datetime.date(2027, 1, 28), datetime.date(2027, 2, 2), datetime.date(2026, 12, 31)]


def _load(run_seed, factor=0.001):
    result = seed(factor=factor, seed=run_seed, today=TODAY, log=lambda text: None, defer_indexes=False,
                  audit_events=20)
    Notification.objects.all().delete()  # the generated reminders are not the scan's
    return result


def _vary():
    """Inactive users among recorders and handlers, 暂定 dates, transfers awaiting a reply."""
    office = list(User.objects.filter(groups__name=roles.STAFF).order_by("pk").values_list("pk", flat=True))
    User.objects.filter(pk__in=office[::3]).update(is_active=False)
    petitions = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    Petition.objects.filter(pk__in=petitions[::4]).update(
        acceptance_due_provisional=True, handling_due_provisional=True, feedback_due_provisional=True)
    actor = User.objects.filter(is_active=True, groups__name=roles.STAFF).first()
    Petition.objects.filter(pk__in=petitions[1::9][:10]).update(status="transferred")
    for index, petition in enumerate(Petition.objects.filter(status="transferred").order_by("pk")[:10]):
        Transfer.objects.create(petition=petition, to_body="县纪委监委", sent_on=TODAY, created_by=actor,
                                reply_due=TODAY + datetime.timedelta(days=index * 4 - 20),
                                replied_on=TODAY if index % 5 == 4 else None)


def _oracle(on_date):
    found = set()
    for provider in deadline_oracle.PROVIDERS:
        for recipient, kind, target_type, target, title, url, due_date, level, _ in deadlines._rows(
                provider(on_date)):
            found.add((recipient, kind, target_type, target, title, url, due_date, level))
    return found


def _scan(on_date):
    """What the scan creates on `on_date` (rolled back afterwards), and {kind: created}."""
    with transaction.atomic():
        created = deadlines.scan(on_date)
        found = set(Notification.objects.values_list("recipient_id", "kind", "target_type_id", "target_id", "title",
                                                     "url", "due_date", "level"))
        transaction.set_rollback(True)
    return found, created


@pytest.mark.django_db(transaction=False)
def test_the_set_based_scan_notifies_what_the_loop_did_and_its_queries_do_not_grow():
    _load(11)
    _vary()
    ContentType.objects.clear_cache()
    kinds = set()
    for on_date in DAYS:
        expected = _oracle(on_date)
        found, created = _scan(on_date)
        assert found == expected, on_date
        assert sum(created.values()) == len(found)
        kinds |= {row[1] for row in found}
    # the generated data reaches the main kinds, escalation included
    assert {"petitions.acceptance", "petitions.handling", "petitions.transfer_reply", "audits.rectification",
            "audits.rectification_escalated", "cadres.personal_matters_report"} <= kinds, kinds

    with CaptureQueriesContext(connection) as small:
        deadlines.scan(TODAY)
    assert deadlines.scan(TODAY) == {}  # idempotent: a second run the same day inserts nothing

    _load(12, factor=0.003)  # a second, three times larger data set beside the first
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        deadlines.scan(TODAY)
    # One INSERT ... SELECT per set-based provider, plus the settings rows and the liaison providers' reads (their
    # loops are over member units); the same however many cases there are.
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    assert len(small) <= 82  # measured: 82, savepoints of the per-provider transactions included (issue 20: +1, the
    # longest certificate-expiry window of the jurisdictions; +7, the shared relations made temporary tables once
    # per scan: three CREATE, three ANALYZE, one DROP)
