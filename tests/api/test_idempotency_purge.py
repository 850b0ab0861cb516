"""The answers kept for Idempotency-Key are purged once past their retention (a day by default), hourly by beat."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from api import services, tasks
from api.models import IdempotentAnswer

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/liaison/reports/"


def kept(client, key, hours_ago):
    answer = IdempotentAnswer.objects.create(client=client, key=key, fingerprint="f", status=201, body={})
    then = timezone.now() - datetime.timedelta(hours=hours_ago)
    IdempotentAnswer.objects.filter(pk=answer.pk).update(created_at=then)
    return answer


def test_answers_older_than_the_retention_are_deleted_the_others_kept(unit_client):
    client = unit_client[0]
    kept(client, "old", 25)
    kept(client, "recent", 23)
    assert tasks.purge_idempotent_answers() == {"purged": 1}
    assert list(IdempotentAnswer.objects.values_list("key", flat=True)) == ["recent"]
    assert tasks.purge_idempotent_answers() == {"purged": 0}  # a rerun deletes nothing more


def test_the_retention_is_a_setting(unit_client, settings):
    settings.API_IDEMPOTENCY_RETENTION_HOURS = 72
    kept(unit_client[0], "two days", 48)
    assert services.purge_idempotent_answers() == 0
    assert services.purge_idempotent_answers(now=timezone.now() + datetime.timedelta(days=1, seconds=1)) == 1


def test_a_key_purged_counts_as_new(call_as, unit_client):
    caller = call_as(unit_client)
    period = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    first = caller.post(REPORTS, {"period": period, "nil": True}, idempotency_key="k-1")
    assert caller.post(REPORTS, {"period": period, "nil": True}, idempotency_key="k-1")["Idempotent-Replayed"]
    services.purge_idempotent_answers(now=timezone.now() + datetime.timedelta(hours=25))
    again = caller.post(REPORTS, {"period": period, "nil": True}, idempotency_key="k-1")
    assert first.status_code == 201 and again.status_code == 409  # run again: the month's report exists


def test_beat_runs_the_purge_hourly():
    entry = next(entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
                 if entry["task"] == "api.tasks.purge_idempotent_answers")
    assert entry["schedule"].minute == {17} and len(entry["schedule"].hour) == 24
