"""The deadline engine: apps register providers; one daily scan turns what they yield into notifications.

A provider is a function `provider(on_date)` yielding, for what is due soon, due today or overdue on that date,
either `Rows` (set-based: one SELECT built with `Query`, which the scan runs as one INSERT ... SELECT; recipients,
levels and titles are computed by the database) or `Due` items (one Python object per item: for small sets, tests
and the working-day recompute). Notifications are unique per (recipient, kind, target, level, due date), so
rerunning a scan, or two scans at once, creates nothing twice: the database decides, with ON CONFLICT DO NOTHING.
"""

import datetime
import hashlib
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
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
        its unit. (Query.author_or_covering, the scan's, also passes over an API client's service account; the
        deadline oracle that uses this one meets none.)"""
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


# --- set-based providers --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rows:
    """One set-based provider's notifications: a SELECT with the columns kind, recipient_id, target_id, due_date,
    level, title and url (one row per recipient; a NULL recipient or level is skipped), targets of one model."""
    target_model: type
    ctes: tuple  # (name, sql) the SELECT refers to
    select: str
    params: dict
    shared: frozenset = frozenset()  # the names among `ctes` of relations a scan computes once for every provider


# The active users and their roles, read once per statement; jurisdiction key "0" stands for "no limit".
_OFFICE_CTE = (
    "SELECT u.id AS user_id, COALESCE(u.jurisdiction_id, 0)::text AS jurisdiction, "
    "array_agg(g.name::text) AS roles "
    "FROM core_user u JOIN core_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id "
    "WHERE u.is_active GROUP BY u.id"
)
# (unit, user) for the users of some roles whose jurisdiction covers the unit: a unit's path "12/40/" lists its
# ancestors and itself, so covering is an equality join on them (plus "0" for the users without a limit).
_COVER_CTE = (
    "SELECT un.id AS unit_id, o.user_id FROM core_unit un "
    "CROSS JOIN LATERAL unnest(string_to_array('0/' || rtrim(un.path, '/'), '/')) AS above(id) "
    "JOIN scan_office o ON o.jurisdiction = above.id AND o.roles && {roles}"
)


class Query:
    """Builds the SELECT of a set-based provider for `on_date`: parameters, levels, dates, links and recipients as
    SQL fragments, so that the provider's rule reads as one statement.

    Parameters always present: %(on_date)s, %(horizon)s (the end of the notice window), %(notice_days)s."""

    def __init__(self, target_model, on_date):
        self.target_model = target_model
        self.notice_days = settings.DEADLINE_NOTICE_DAYS
        self.params = {"on_date": on_date, "notice_days": self.notice_days,
                       "service_account": roles.SERVICE_ACCOUNT,
                       "horizon": on_date + datetime.timedelta(days=self.notice_days)}
        self.ctes = {}
        self.shared = set()  # of ctes: see Rows.shared

    def param(self, value):
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def level(self, due, notice_days=None):
        """level_for in SQL: NULL while `due` is further away than the notice window."""
        notice = "%(notice_days)s" if notice_days is None else notice_days
        return (f"(CASE WHEN {due} < %(on_date)s THEN 'overdue' WHEN {due} = %(on_date)s THEN 'warning' "
                f"WHEN {due} - %(on_date)s <= {notice} THEN 'notice' END)")

    @staticmethod
    def ymd(date):
        return f"to_char({date}, 'YYYY-MM-DD')"

    def label(self, column, model, field):
        """get_FOO_display() in SQL: the choice's label, else the stored value."""
        whens = " ".join(f"WHEN {self.param(value)} THEN {self.param(str(label))}"
                         for value, label in model._meta.get_field(field).flatchoices)
        return f"(CASE {column} {whens} ELSE {column} END)"

    @staticmethod
    def number(expression):
        """An integer as text, like Python's str()."""
        return f"({expression})::int::text"

    def url(self, viewname, *codes, samples=None):
        """reverse(viewname, args=codes) in SQL: the path is reversed with sample codes (UUIDs unless the URL
        pattern needs others), which the code columns then replace."""
        markers = samples or [f"00000000-0000-4000-8000-{i:012d}" for i in range(len(codes))]
        path = reverse(viewname, args=markers)
        parts = []
        for marker, code in zip(markers, codes, strict=True):
            before, path = path.split(marker, 1)
            parts += [self.param(before), f"({code})::text"]
        return "(" + " || ".join([*parts, self.param(path)]) + ")"

    def covering(self, role_names=OFFICE_RECIPIENTS):
        """The name of a relation (unit_id, user_id): users_covering(unit, role_names) for every unit. The same
        roles give the same name and SQL in every provider, so that a scan computes it once (`scan`)."""
        key = tuple(sorted(role_names))
        name = "scan_cover_" + hashlib.sha1("|".join(key).encode(), usedforsecurity=False).hexdigest()[:10]
        self.ctes.setdefault("scan_office", _OFFICE_CTE)
        self.shared.update(("scan_office", name))
        if name not in self.ctes:
            self.params[f"{name}_roles"] = list(key)
            self.ctes[name] = _COVER_CTE.format(roles=f"%({name}_roles)s::text[]")
        return name

    def author_or_covering(self, author, unit, role_names=OFFICE_RECIPIENTS, alias="r"):
        """Joins giving `alias`.recipient_id: Covering.author_or_covering(author, unit) — the author (a user id
        column) while active, else the users covering the unit (a unit id column)."""
        cover = self.covering(role_names)
        return (f"LEFT JOIN core_user {alias}_author ON {alias}_author.id = {author} AND {alias}_author.is_active "
                f"AND {alias}_author.id NOT IN ({_SERVICE_ACCOUNTS}) "
                f"LEFT JOIN {cover} {alias}_cover ON {alias}_author.id IS NULL AND {alias}_cover.unit_id = {unit} "
                f"CROSS JOIN LATERAL (SELECT COALESCE({alias}_author.id, {alias}_cover.user_id) AS recipient_id) "
                f"AS {alias}")

    @staticmethod
    def setting(model, field, unit):
        """A number of a settings table a county may override (core.models.JurisdictionSettings) as it applies to
        the unit id column `unit`: JurisdictionSettings.for_unit in SQL (the nearest jurisdiction's row at or above
        the unit, else the default row, which it makes sure exists). Per row, an index lookup of the unit and of
        its ancestors' rows; the default is read once (an InitPlan), not sorted in per row."""
        model.current()
        column, table = model._meta.get_field(field).column, model._meta.db_table
        return (
            f"COALESCE((SELECT jset.{column} FROM core_unit jset_of "  # noqa: S608  # nosec B608 (a model's table)
            f"CROSS JOIN LATERAL unnest(string_to_array(rtrim(jset_of.path, '/'), '/')) WITH ORDINALITY "
            f"AS jset_above(id, depth) JOIN {table} jset ON jset.jurisdiction_id = jset_above.id::bigint "
            f"WHERE jset_of.id = {unit} ORDER BY jset_above.depth DESC LIMIT 1), "
            f"(SELECT jset_default.{column} FROM {table} jset_default WHERE jset_default.jurisdiction_id IS NULL "
            f"ORDER BY jset_default.id LIMIT 1))")

    def rows(self, select):
        return Rows(self.target_model, tuple(self.ctes.items()), select, dict(self.params), frozenset(self.shared))


# API clients' accounts (core.roles.SERVICE_ACCOUNT) are never a recipient, whatever a provider's rule selects.
_SERVICE_ACCOUNTS = (
    "SELECT sa.user_id FROM core_user_groups sa JOIN auth_group sa_group ON sa_group.id = sa.group_id "
    "WHERE sa_group.name = %(service_account)s"
)
# The rows of a provider's SELECT that make a reminder: someone to tell, a level reached, no service account.
_DUE = f"WHERE due.recipient_id IS NOT NULL AND due.level IS NOT NULL AND due.recipient_id NOT IN ({_SERVICE_ACCOUNTS})"

_INSERT_SELECT = """
WITH {ctes}created AS (
    INSERT INTO core_notification
        (recipient_id, kind, target_type_id, target_id, title, url, due_date, level, created_at)
    SELECT due.recipient_id, due.kind, %(target_type)s, due.target_id::text, left(due.title, 300),
        left(COALESCE(due.url, ''), 300), due.due_date, due.level, %(now)s
    FROM ({select}) AS due
    {due}
    ON CONFLICT ON CONSTRAINT core_notification_once_per_level DO NOTHING
    RETURNING kind
)
SELECT kind, count(*) FROM created GROUP BY kind
"""


def _insert_select(rows):
    """Run one Rows as a single INSERT ... SELECT; returns {kind: notifications created}. No anti-join with the
    reminders already sent: ON CONFLICT DO NOTHING probes the unique key before inserting anyway, and a NOT EXISTS
    above the providers' SELECT (whose titles are built below it) only doubled the probes (province: +0.2 s)."""
    ctes = "".join(f"{name} AS MATERIALIZED ({sql}), " for name, sql in _own_ctes(rows))
    params = {**rows.params, "now": timezone.now(),
              "target_type": ContentType.objects.get_for_model(rows.target_model).pk}
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SELECT.format(ctes=ctes, select=rows.select, due=_DUE), params)
        return dict(cursor.fetchall())


# During a scan: the shared relations (Rows.shared) already made temporary tables. Who covers each unit is the
# same for every provider; as a CTE of each statement it was computed a dozen times (about 20 ms each, province).
_scan_tables = ContextVar("deadline_scan_tables", default=None)


def _own_ctes(rows):
    """The CTEs a statement of `rows` carries itself: all of them outside a scan; in a scan, the shared ones are
    temporary tables, made at the first statement that needs them."""
    tables = _scan_tables.get()
    if tables is None:
        return rows.ctes
    for name, sql in rows.ctes:
        if name in rows.shared and name not in tables:
            with connection.cursor() as cursor:
                # SQL text from this module (the shared relations' definitions); values are parameters.
                cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", rows.params)  # nosec B608
                cursor.execute(f"ANALYZE {name}")  # the planner's estimates, as it had them for the CTE
            tables.add(name)
    return [(name, sql) for name, sql in rows.ctes if name not in rows.shared]


def evaluate(provider, on_date):
    """What `provider` would notify on `on_date`, as Due items (targets and recipients loaded), without inserting:
    for tests and checks that read a provider's rule."""
    items = []
    for item in provider(on_date):
        items.extend(_evaluate_rows(item) if isinstance(item, Rows) else [item])
    return items


_EVALUATE = (
    "{with_ctes} SELECT due.kind, due.target_id, due.due_date, due.level, due.title, COALESCE(due.url, ''), "
    "array_agg(due.recipient_id ORDER BY due.recipient_id) FROM ({select}) AS due "
    "{due} GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 3, 2, 1, 4"
)


def _evaluate_rows(rows):
    ctes = ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in rows.ctes)
    # SQL text from the providers' code; values are parameters.
    sql = _EVALUATE.format(with_ctes=f"WITH {ctes}" if ctes else "", select=rows.select, due=_DUE)
    with connection.cursor() as cursor:
        cursor.execute(sql, rows.params)
        found = cursor.fetchall()
    targets = rows.target_model._default_manager.in_bulk({row[1] for row in found})
    users = User.objects.in_bulk({user for row in found for user in row[6]})
    return [Due(kind, targets[target], due_date, level, title, tuple(users[user] for user in recipients), url)
            for kind, target, due_date, level, title, url, recipients in found]


def scan(on_date=None, batch_size=1000):
    """Run every provider for `on_date` (default today); returns a Counter of notifications created per kind."""
    on_date = on_date or timezone.localdate()
    created = Counter()
    tables = set()
    token = _scan_tables.set(tables)
    try:
        _run_providers(on_date, batch_size, created)
    finally:
        _scan_tables.reset(token)
        if tables and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(sorted(tables))}")
    return created


def _run_providers(on_date, batch_size, created):
    for provider in providers():
        with transaction.atomic():
            batch = []
            for item in provider(on_date):
                if isinstance(item, Rows):
                    created.update(_insert_select(item))
                    continue
                for row in _rows([item]):
                    batch.append(row)
                    if len(batch) >= batch_size:
                        created.update(_insert(batch))
                        batch = []
            created.update(_insert(batch))
