"""The deadline engine: apps register providers; one daily scan turns what they yield into notifications.

A provider is a function `provider(on_date)` yielding `Due` items for what is due soon, due today or overdue on
that date. Notifications are unique per (recipient, kind, target, level, due date), so rerunning a scan, or two
scans at once, creates nothing twice: the database decides, with INSERT ... ON CONFLICT DO NOTHING.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from core import roles
from core.models import Notification, User

Level = Notification.Level
OFFICE_RECIPIENTS = (roles.STAFF, roles.SECTION_HEAD)  # the office users reminded of what nobody else is

_providers = []


@dataclass(frozen=True)
class Due:
    kind: str  # dotted, e.g. "cadres.inquiry_reply"
    target: object  # a model instance
    due_date: datetime.date
    level: str  # Notification.Level
    title: str
    recipients: tuple = field(default_factory=tuple)  # users or user ids
    url: str = ""


def register(provider):
    """Decorator: add a deadline provider (call from AppConfig.ready())."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def providers():
    return list(_providers)


def level_for(due_date, on_date, notice_days=None):
    """The level a deadline has on `on_date`, or None while it is further away than the notice window."""
    notice_days = settings.DEADLINE_NOTICE_DAYS if notice_days is None else notice_days
    if due_date < on_date:
        return Level.OVERDUE
    if due_date == on_date:
        return Level.WARNING
    if (due_date - on_date).days <= notice_days:
        return Level.NOTICE
    return None


def users_covering(unit, role_names=OFFICE_RECIPIENTS):
    """The active users with one of `role_names` whose jurisdiction covers `unit` (or who have no limit)."""
    return Covering(role_names)(unit)


class Covering:
    """users_covering for the many rows of one scan: the users of `role_names` are read once, on first use
    (one query), then matched to each unit (or unit path) in memory."""

    def __init__(self, role_names=OFFICE_RECIPIENTS):
        self.role_names = tuple(role_names)
        self._users = None

    @property
    def users(self):
        if self._users is None:
            self._users = list(User.objects.filter(is_active=True, groups__name__in=self.role_names)
                               .select_related("jurisdiction").distinct())
        return self._users

    def __call__(self, unit):
        path = unit if isinstance(unit, str) else unit.path
        return tuple(user for user in self.users
                     if user.jurisdiction_id is None or path.startswith(user.jurisdiction.path))

    def author_or_covering(self, author, unit):
        """Who hears about a record: whoever entered (or handles) it while still active, else the users covering
        its unit."""
        if author is not None and author.is_active:
            return (author,)
        return self(unit)


def _rows(items):
    now = timezone.now()
    for item in items:
        target_type = ContentType.objects.get_for_model(item.target)  # cached by Django
        url = item.url or (item.target.get_absolute_url() if hasattr(item.target, "get_absolute_url") else "")
        for recipient in set(item.recipients):
            recipient_id = getattr(recipient, "pk", recipient)
            yield (recipient_id, item.kind, target_type.pk, str(item.target.pk), item.title[:300], url[:300],
                   item.due_date, item.level, now)


_INSERT = (
    "INSERT INTO core_notification "
    "(recipient_id, kind, target_type_id, target_id, title, url, due_date, level, created_at) VALUES {values} "
    "ON CONFLICT ON CONSTRAINT core_notification_once_per_level DO NOTHING RETURNING kind"
)


def _insert(rows):
    """Insert a batch; returns the kinds of the rows actually created."""
    if not rows:
        return []
    values = ",".join(["(%s,%s,%s,%s,%s,%s,%s,%s,%s)"] * len(rows))
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT.format(values=values), params)
        return [kind for (kind,) in cursor.fetchall()]


def scan(on_date=None, batch_size=1000):
    """Run every provider for `on_date` (default today); returns a Counter of notifications created per kind."""
    on_date = on_date or timezone.localdate()
    created = Counter()
    for provider in providers():
        with transaction.atomic():
            batch = []
            for row in _rows(provider(on_date)):
                batch.append(row)
                if len(batch) >= batch_size:
                    created.update(_insert(batch))
                    batch = []
            created.update(_insert(batch))
    return created
