"""Writing the audit log: one call from a view or a service. Secrets never go into it.

Every event is chained to the one before by a keyed hash (HMAC-SM3 with AUDIT_LOG_KEY, which is not in the
database): `verify_chain` finds any row altered, inserted or removed behind the application's back. Writers take a
transaction-level advisory lock so that ids and the chain follow the same order.
"""

import json

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection, transaction
from django.dispatch import receiver

from core.crypto import hmac_sm3
from core.models import AuditEvent

_CHAIN_LOCK = 0x61756469  # advisory lock key for appending to the chain
_HASHED_FIELDS = ("id", "at", "actor_id", "actor_username", "ip", "action", "name", "target_type", "target_id",
                  "target_repr", "summary", "changes")

Action = AuditEvent.Action


def client_ip(request):
    if request is None:
        return None
    # Behind the office reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")


def record(actor, action, name, target=None, *, request=None, summary="", changes=None, username=""):
    """Append one event. `actor` is a user (or None); `target` a model instance or None."""
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


def event_hash(event, prev_hash):
    content = {field: getattr(event, field) for field in _HASHED_FIELDS}
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
    bad, prev = [], None
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size)
    for event in events:
        if prev is not None and event.prev_hash != prev:
            bad.append(event.pk)
        elif event.row_hash != event_hash(event, event.prev_hash):
            bad.append(event.pk)
        prev = event.row_hash
    return bad


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
    record(user, Action.LOGIN, "core.user.login", user, request=request, summary="登录成功")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, Action.LOGOUT, "core.user.logout", user, request=request, summary="登出")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the user name is kept: never the password that was tried.
    username = str(credentials.get("username", ""))[:150]
    record(None, Action.LOGIN_FAILED, "core.user.login_failed", request=request, username=username,
           summary=f"登录失败：{username}")
