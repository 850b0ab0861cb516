"""The outbox: every Celery task published because of a committed change goes through here (issue 22).

`publish(task, *ids)` writes a row in the caller's transaction, so the job and the change that asked for it commit
together or not at all, and a request never waits for the broker. Once committed, one attempt is made at once with a
short broker timeout; the beat task `core.tasks.dispatch_outbox` sends whatever is still pending, with backoff,
after the broker comes back. Tasks are idempotent (style.md §11): a message sent twice does no harm."""

import contextlib
import datetime
import importlib
import logging

from celery import current_app
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# While one process sends a message, others leave it alone for this long.
LEASE = datetime.timedelta(seconds=60)
BATCH = 200


class OutboxState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"


class OutboxMessage(models.Model):
    """One task to publish: its name and arguments (ids only), and how sending it went."""

    State = OutboxState

    task = models.CharField("任务", max_length=200)
    args = models.JSONField("参数（编号）", default=list, blank=True)
    state = models.CharField("状态", max_length=16, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    last_error = models.CharField("最近一次错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = "待发送任务"
        ordering = ["next_attempt_at", "id"]
        indexes = [
            # serves the dispatcher: state = pending AND next_attempt_at <= now, oldest first
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="core_outbox_pending_due"),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


def backoff(attempts):
    """Seconds before the next attempt after `attempts` failed ones: 5, 10, 20 … at most OUTBOX_MAX_BACKOFF."""
    return min(5 * 2 ** max(attempts - 1, 0), settings.OUTBOX_MAX_BACKOFF)


def publish(task, *args):
    """Queue `task` (a Celery task or its name) with `args` (ids): written now, sent once committed."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args))
    message_id = message.pk
    transaction.on_commit(lambda: dispatch(ids=[message_id]))
    return message


def _claim(message_ids=None, now=None):
    """Take due messages for LEASE (a conditional update, so two dispatchers never take the same one)."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    claimed = []
    for message in due.order_by("next_attempt_at", "id")[:BATCH]:
        taken = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.PENDING,
                                             next_attempt_at=message.next_attempt_at)
        if taken.update(next_attempt_at=now + LEASE):
            claimed.append(message)
    return claimed


def _connection():
    """A broker connection that gives up quickly: a broker that is down must not hold up a request."""
    timeout = settings.OUTBOX_BROKER_TIMEOUT
    return current_app.connection_for_write(
        connect_timeout=timeout,
        transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0})


def _send(message, connection):
    options = {"connection": connection, "retry": False}
    if settings.OUTBOX_QUEUE:
        options["queue"] = settings.OUTBOX_QUEUE
    task = _task(message.task)
    if task is None:  # not one of ours: by name (never eager)
        current_app.send_task(message.task, args=message.args, **options)
    else:
        task.apply_async(args=message.args, **options)


def _task(name):
    """The task registered under `name`, importing its module (`app.tasks.x`) if this process has not yet."""
    if name not in current_app.tasks:
        with contextlib.suppress(ImportError):
            importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks.get(name)


def _failed(message, error, now):
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.PENDING).update(
        attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:300],
        next_attempt_at=now + datetime.timedelta(seconds=backoff(attempts)))


def dispatch(ids=None, now=None):
    """Send the messages due at `now` (only `ids`, if given). Stops at the first failure to reach the broker (the
    rest wait for their next attempt). Returns (sent, failed)."""
    now = now or timezone.now()
    messages = _claim(ids, now)
    sent = 0
    if not messages:
        return 0, 0
    with _connection() as connection:
        for index, message in enumerate(messages):
            try:
                _send(message, connection)
            except Exception as error:  # the broker down, or (eager mode) the task itself: retried later
                logger.warning("任务 %s 未能发送（第%s次）：%s", message, message.attempts + 1, error)
                for unsent in messages[index:]:
                    _failed(unsent, error, now)
                return sent, len(messages) - index
            OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.SENT, sent_at=timezone.now(),
                                                               attempts=message.attempts + 1, last_error="")
            sent += 1
    return sent, 0


def backlog():
    """What the operator looks at: how many wait, and since when."""
    pending = OutboxMessage.objects.filter(state=OutboxState.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return {"pending": pending.count(), "oldest": oldest}


def purge_sent(now=None, keep=datetime.timedelta(days=7)):
    """Sent messages are kept a week (to answer "was it sent?"), then deleted."""
    return OutboxMessage.objects.filter(state=OutboxState.SENT, sent_at__lt=(now or timezone.now()) - keep).delete()[0]
