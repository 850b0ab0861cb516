"""The outbox (core/outbox.py, issue 22): a task published because of a change is written with it, sent once
committed, and kept for the dispatcher with backoff while the broker is unreachable; never sent twice at once."""

import contextlib
import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.outbox import OutboxMessage
from core.tasks import dispatch_outbox, ping

pytestmark = pytest.mark.django_db
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: refused at once


@pytest.fixture
def broker_down():
    """The Celery app publishes as a real producer would (not eagerly) to a broker that does not answer."""
    with broker_at(DEAD_BROKER):
        yield


@contextlib.contextmanager
def broker_at(url):
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


def test_a_rolled_back_change_publishes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.publish(ping)
            raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists() and callbacks == []


def test_sent_once_committed(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "apply_async", lambda args, **options: sent.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.publish("core.tasks.ping", 7, [1, 2])
    assert sent == [] and OutboxMessage.objects.get().state == OutboxMessage.State.PENDING  # not before the commit
    callbacks[0]()
    message.refresh_from_db()
    assert sent == [[7, [1, 2]]] and message.state == OutboxMessage.State.SENT and message.attempts == 1


def test_broker_down_keeps_the_message_with_backoff(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.publish(ping)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1
    assert "OperationalError" in message.last_error
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(seconds=3)
    assert outbox.dispatch() == (0, 0)  # not due yet: the dispatcher leaves it
    later = message.next_attempt_at + datetime.timedelta(seconds=1)
    assert outbox.dispatch(now=later) == (0, 1)
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at > later + datetime.timedelta(seconds=9)


def test_backoff_doubles_up_to_the_limit(settings):
    settings.OUTBOX_MAX_BACKOFF = 300
    assert [outbox.backoff(n) for n in (1, 2, 3, 4, 7, 20)] == [5, 10, 20, 40, 300, 300]


def test_dispatcher_sends_what_is_due_once(monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "apply_async", lambda args, **options: sent.append(args))
    due = OutboxMessage.objects.create(task="core.tasks.ping", args=[1])
    OutboxMessage.objects.create(task="core.tasks.ping", args=[2],
                                 next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    OutboxMessage.objects.create(task="core.tasks.ping", args=[3], state=OutboxMessage.State.SENT)
    assert dispatch_outbox()["sent"] == 1 and sent == [[1]]
    assert outbox.dispatch() == (0, 0)  # a second dispatcher finds nothing left
    due.refresh_from_db()
    assert due.state == OutboxMessage.State.SENT and due.sent_at is not None


def test_a_message_claimed_by_one_dispatcher_is_left_by_another(monkeypatch):
    message = OutboxMessage.objects.create(task="core.tasks.ping")
    assert [m.pk for m in outbox._claim()] == [message.pk]
    assert outbox._claim() == []  # leased
    assert [m.pk for m in outbox._claim(now=timezone.now() + outbox.LEASE * 2)] == [message.pk]  # lease expired


def test_sent_messages_are_purged_after_a_week():
    now = timezone.now()
    OutboxMessage.objects.create(task="core.tasks.ping", state=OutboxMessage.State.SENT,
                                 sent_at=now - datetime.timedelta(days=8))
    OutboxMessage.objects.create(task="core.tasks.ping", state=OutboxMessage.State.SENT,
                                 sent_at=now - datetime.timedelta(days=6))
    OutboxMessage.objects.create(task="core.tasks.ping")
    assert outbox.purge_sent(now) == 1 and OutboxMessage.objects.count() == 2


def test_the_command_sends_at_once_when_asked(monkeypatch):
    """docs/operations.md: after the broker is back the operator need not wait for the backoff."""
    import io

    from django.core.management import call_command

    sent = []
    monkeypatch.setattr(ping, "apply_async", lambda args, **options: sent.append(args))
    OutboxMessage.objects.create(task="core.tasks.ping", args=[1], attempts=4,
                                 next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    out = io.StringIO()
    call_command("dispatch_outbox", stdout=out)
    assert sent == [] and "仍待发送 1 个" in out.getvalue()
    call_command("dispatch_outbox", "--now", stdout=out)
    assert sent == [[1]] and "已发送 1 个" in out.getvalue() and "仍待发送 0 个" in out.getvalue()


def test_the_dispatcher_and_the_requeue_run_on_beat(settings):
    """Issue 22: without the beat entries a message left by a broker outage, or an export whose worker died, would
    wait for ever."""
    from config.celery import app

    scheduled = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("core.tasks.dispatch_outbox", "core.tasks.requeue_stale_exports"):
        assert name in app.tasks and scheduled[name]["schedule"] <= 60
