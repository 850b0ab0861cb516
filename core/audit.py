"""Writing the audit log: one call from a view or a service. Secrets never go into it.

Every event is chained to the one before by a keyed hash (HMAC-SM3 with AUDIT_LOG_KEY, which is not in the
database): `verify_chain` finds any row altered, inserted or removed behind the application's back. Writers take a
transaction-level advisory lock so that ids and the chain follow the same order.

The chain alone cannot show that its newest rows were removed: nothing after them is left to break. So its head
(id, hash) is anchored, signed with the same key, in a file outside the database (AUDIT_ANCHOR_PATH, appended to
daily and at every backup) and in each backup's manifest; `check_anchors` reports a log shorter than its anchors.
"""

import datetime
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection, transaction
from django.dispatch import receiver

from core import audit_events
from core.crypto import hmac_sm3
from core.models import AuditEvent

_CHAIN_LOCK = 0x61756469  # advisory lock key for appending to the chain
HASHED_FIELDS = ("id", "at", "actor_id", "actor_username", "ip", "action", "name", "target_type", "target_id",
                  "target_repr", "summary", "changes")

Action = AuditEvent.Action


def client_ip(request):
    if request is None:
        return None
    # Behind the office reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")


def record(actor, action, name, target=None, *, request=None, summary="", changes=None, username=""):
    """Append one event. `actor` is a user (or None); `target` a model instance or None. `name` must be registered
    in core.audit_events: a misspelt or undeclared name fails at once, in every environment."""
    if not audit_events.is_registered(name):
        raise ValueError(f"审计事件名 {name!r} 未登记：请在所属应用的 audit_events.py 中登记（含中文名称）")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    target_type = target_id = target_repr = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(getattr(target, "code", None) or target.pk)
        target_repr = str(target)[:200]
    event = AuditEvent(
        actor=actor,
        actor_username=(actor.get_username() if actor else username)[:150],
        ip=client_ip(request),
        action=action,
        name=name,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        summary=summary[:500],
        changes=changes or {},
    )
    return _append(event)


def _key():
    return bytes.fromhex(settings.AUDIT_LOG_KEY)


def sign(purpose, data):
    """HMAC-SM3 of a JSON-able value with the chain key; `purpose` keeps anchors, manifests and rows apart."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hmac_sm3(_key(), f"{purpose}|{payload}".encode())


def event_hash(event, prev_hash):
    content = {field: getattr(event, field) for field in HASHED_FIELDS}
    content["at"] = event.at.isoformat()
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hmac_sm3(_key(), f"{prev_hash}|{payload}".encode())


def _append(event):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        # The id is part of the hash, so it is drawn before the insert (rows are never updated).
        cursor.execute("SELECT nextval(pg_get_serial_sequence('core_auditevent', 'id'))")
        event.id = cursor.fetchone()[0]
        event.prev_hash = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
        event.row_hash = event_hash(event, event.prev_hash)
        event.save(force_insert=True)
    return event


def verify_chain(batch_size=5000):
    """Walk the log in id order; returns the ids of rows whose hash or link does not match."""
    return verify_events(AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size))


def verify_events(events):
    """`verify_chain` over any iterable of events in id order (a restored copy is read without the ORM)."""
    bad, prev = [], None
    for event in events:
        if prev is not None and event.prev_hash != prev:
            bad.append(event.pk)
        elif event.row_hash != event_hash(event, event.prev_hash):
            bad.append(event.pk)
        prev = event.row_hash
    return bad


# --- Anchors: the signed head of the chain, kept where the database superuser cannot rewrite it -------------------

ANCHOR_RESTORE = "restore"  # a restore starts the chain again from the backup's head; older anchors no longer apply


@dataclass(frozen=True)
class Anchor:
    id: int  # 0: the log was empty
    hash: str
    at: str  # when the head was anchored (ISO 8601)
    reason: str  # daily / backup / restore

    def payload(self):
        return {"id": self.id, "hash": self.hash, "at": self.at, "reason": self.reason}

    def signature(self):
        return sign("anchor", self.payload())

    def signed(self):
        return {**self.payload(), "sig": self.signature()}

    @classmethod
    def from_signed(cls, data):
        """The anchor in `data` (a dict), or ValueError when it is malformed or its signature does not match."""
        try:
            anchor = cls(id=int(data["id"]), hash=str(data["hash"]), at=str(data["at"]), reason=str(data["reason"]))
            signature = str(data["sig"])
            _when(anchor)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError("格式不符") from None
        if not hmac.compare_digest(signature.encode(), anchor.signature().encode()):
            raise ValueError("签名不符")
        return anchor


def head_anchor(reason, cursor):
    """The current head as an anchor, read through `cursor` (a DB-API cursor: the backup reads it in its
    snapshot)."""
    cursor.execute("SELECT id, row_hash FROM core_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return Anchor(id=row[0] if row else 0, hash=row[1] if row else "", at=at, reason=reason)


def anchor_file(database_name=None):
    """One file per database, so that a test or restored database never reads another's anchors."""
    name = database_name or connection.settings_dict["NAME"]
    return Path(settings.AUDIT_ANCHOR_PATH) / f"{name}.jsonl"


def append_anchor(anchor, database_name=None):
    """Append one signed line. Opened for appending only, never rewritten; the folder is private to the
    application user."""
    path = anchor_file(database_name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = (json.dumps(anchor.signed(), sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)  # one write of a short line: appends from two processes do not interleave
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def write_anchor(reason="daily"):
    """Anchor the committed head of the log; returns the anchor."""
    with connection.cursor() as cursor:
        anchor = head_anchor(reason, cursor)
    append_anchor(anchor)
    return anchor


def read_anchors(path):
    """(valid anchors in file order, Chinese sentences about lines that are malformed, forged or replayed).

    Lines are appended in time order; an older line copied to the end (say a past restore's, which would excuse
    a shortened log) is refused even though its signature is genuine."""
    anchors, problems = [], []
    if not path.exists():
        return anchors, problems
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                anchor = Anchor.from_signed(_json_or_none(line))
                if anchors and _when(anchor) < _when(anchors[-1]):
                    raise ValueError("时间早于前一行（重放的旧锚点）")
            except ValueError as error:
                problems.append(f"锚点文件 {path.name} 第 {number} 行{error}：伪造或被改动，已忽略。")
            else:
                anchors.append(anchor)
    return anchors, problems


def _json_or_none(line):
    try:
        return json.loads(line)
    except ValueError:
        return None  # Anchor.from_signed says 格式不符


def _when(anchor):
    return datetime.datetime.fromisoformat(anchor.at)


def check_anchors():
    """(Chinese sentences for every way the log disagrees with its anchors, the latest valid anchor or None).

    Every anchor since the last restore must still be in the log with the same hash, unless the retention purge
    removed it (older than the oldest row kept). A log whose head is older than an anchor has been shortened."""
    anchors, problems = read_anchors(anchor_file())
    if not anchors:
        return problems, None
    restarts = [i for i, anchor in enumerate(anchors) if anchor.reason == ANCHOR_RESTORE]
    anchors = anchors[restarts[-1]:] if restarts else anchors
    with connection.cursor() as cursor:
        return problems + anchor_problems(anchors, cursor), anchors[-1]


def anchor_problems(anchors, cursor):
    """The check of `check_anchors` through a DB-API cursor (the restore checks a copy the ORM does not know)."""
    cursor.execute("SELECT coalesce(max(id), 0), coalesce(min(id), 0) FROM core_auditevent")
    head, oldest = cursor.fetchone()
    cursor.execute("SELECT id, row_hash FROM core_auditevent WHERE id = ANY(%s)", [[a.id for a in anchors]])
    hashes = dict(cursor.fetchall())
    problems = []
    latest = max(anchors, key=lambda anchor: anchor.id)
    if latest.id > head:
        problems.append(f"审计日志被截短：{latest.at} 的锚点记录最新为第 {latest.id} 条，日志现在只到第 {head} 条，"
                        "其后的记录已被删除。")
    for anchor in anchors:
        if not anchor.id or anchor.id > head or (anchor.id < oldest and anchor.id not in hashes):
            continue  # an empty log then, reported above, or purged for retention since
        if anchor.id not in hashes:
            problems.append(f"{anchor.at} 的锚点所记第 {anchor.id} 条已不在日志中：被删除。")
        elif hashes[anchor.id] != anchor.hash:
            problems.append(f"第 {anchor.id} 条的哈希与 {anchor.at} 的锚点不符：该条及其前的日志被改写。")
    return list(dict.fromkeys(problems))


def record_request(request, action, name, target=None, **kwargs):
    """`record` for a view: takes the actor and IP from the request."""
    return record(request.user, action, name, target, request=request, **kwargs)


def record_denied(request, name, target=None, summary=""):
    """A refused or hidden access (403, or 404 for an object outside the user's scope). Marks the request so the
    catch-all in core.middleware.DeniedAccessLogMiddleware does not log it twice."""
    request._access_denial_logged = True
    return record_request(request, Action.DENIED, name, target, summary=summary or f"拒绝访问 {request.path}")


def changed_fields(instance, old_values, fields):
    """{"field": [old, new]} for the fields whose value changed; values as text for the JSON log."""
    changes = {}
    for field in fields:
        old, new = old_values.get(field), getattr(instance, field)
        if old != new:
            changes[field] = [None if old is None else str(old), None if new is None else str(new)]
    return changes


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, Action.LOGIN, "core.user.logged_in", user, request=request, summary="登录成功")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, Action.LOGOUT, "core.user.logged_out", user, request=request, summary="登出")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the user name is kept: never the password that was tried.
    username = str(credentials.get("username", ""))[:150]
    record(None, Action.LOGIN_FAILED, "core.user.login_failed", request=request, username=username,
           summary=f"登录失败：{username}")
