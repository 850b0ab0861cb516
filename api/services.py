"""Issuing, scoping, rotating and revoking API clients (the 安全保密管理员's work), and finding the client of a key.

A key is shown once: `api_<prefix>_<secret>`. The prefix finds the client; only the sha256 of the whole key is
stored, so a leaked database gives no usable key."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from api.models import OFFICE_SCOPES, UNIT_SCOPES, ApiClient, IdempotentAnswer, Scope
from core import audit, roles
from core.models import User
from core.refusals import Refused

KEY_START = "api_"


def _new_key():
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def client_for_key(key):
    """The active client whose key this is, or None (a wrong, revoked or malformed key)."""
    parts = (key or "").split("_")
    if len(parts) < 3 or f"{parts[0]}_" != KEY_START or len(key) > 200:
        return None
    client = ApiClient.objects.select_related("user", "member_unit__unit").filter(key_prefix=parts[1]).first()
    if client is None or not client.is_active or not hmac.compare_digest(client.key_hash, _digest(key)):
        return None
    return client


def check_scopes(member_unit, scopes):
    scopes = sorted(set(scopes))
    if not scopes:
        raise Refused("请至少选择一项授权范围", field="scopes")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise Refused(f"未知的授权范围：{'、'.join(unknown)}", field="scopes")
    allowed = UNIT_SCOPES if member_unit is not None else OFFICE_SCOPES
    wrong = [Scope(scope).label for scope in scopes if scope not in allowed]
    if wrong:
        whose = "成员单位客户端" if member_unit is not None else "监督科客户端"
        raise Refused(f"{whose}不能授权：{'、'.join(wrong)}", field="scopes")
    return scopes


def _service_user(name, member_unit, actor, prefix):
    """The client's own account, marked as a service account and holding no role of a person (ApiClient.acting_role
    is granted per call): in its member unit's group (which holds the unit's reports), or with the issuing
    administrator's jurisdiction. No usable password: it cannot log in to the pages."""
    user = User(username=f"api-{prefix}", full_name=f"接口：{name}"[:50], must_change_password=False,
                password_changed_at=timezone.now())
    if member_unit is not None:
        user.unit = member_unit.unit
    else:
        user.unit, user.jurisdiction = actor.unit, actor.jurisdiction
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=roles.SERVICE_ACCOUNT))
    if member_unit is not None:
        user.groups.add(member_unit.group)
    return user


@transaction.atomic
def create_client(*, actor, name, member_unit=None, scopes=(), rate_per_minute=60, request=None):
    """A new client and its key; returns (client, key). The key is not stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise Refused("请填写客户端名称", field="name")
    scopes = check_scopes(member_unit, scopes)
    prefix, key = _new_key()
    client = ApiClient.objects.create(
        name=name[:100], member_unit=member_unit, scopes=scopes, rate_per_minute=rate_per_minute,
        user=_service_user(name, member_unit, actor, prefix), key_prefix=prefix, key_hash=_digest(key),
        key_issued_at=timezone.now(), created_by=actor)
    audit.record(actor, audit.Action.CREATE, "api.client.created", client, request=request,
                 summary=f"新建接口客户端：{client}（{member_unit or '监督科'}）",
                 changes={"scopes": scopes, "rate_per_minute": rate_per_minute, "key_prefix": prefix})
    return client, key


def _locked_active(client):
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise Refused("该客户端已吊销", code="state")
    return client


@transaction.atomic
def update_scopes(client, *, actor, scopes, rate_per_minute, request=None):
    client = _locked_active(client)
    scopes = check_scopes(client.member_unit, scopes)
    changes = {}
    if scopes != sorted(client.scopes):
        changes["scopes"] = [sorted(client.scopes), scopes]
    if rate_per_minute != client.rate_per_minute:
        changes["rate_per_minute"] = [client.rate_per_minute, rate_per_minute]
    if changes:
        client.scopes, client.rate_per_minute = scopes, rate_per_minute
        client.save(update_fields=["scopes", "rate_per_minute"])
        audit.record(actor, audit.Action.PERMISSION_CHANGE, "api.client.updated", client, request=request,
                     summary=f"修改接口客户端授权：{client}", changes=changes)
    return client


@transaction.atomic
def rotate_key(client, *, actor, request=None):
    """A new key; the old one stops working at once. Returns (client, key)."""
    client = _locked_active(client)
    old_prefix = client.key_prefix
    prefix, key = _new_key()
    client.key_prefix, client.key_hash, client.key_issued_at = prefix, _digest(key), timezone.now()
    client.save(update_fields=["key_prefix", "key_hash", "key_issued_at"])
    audit.record(actor, audit.Action.PERMISSION_CHANGE, "api.client.key_rotated", client, request=request,
                 summary=f"更换接口密钥：{client}", changes={"key_prefix": [old_prefix, prefix]})
    return client, key


@transaction.atomic
def revoke(client, *, actor, request=None):
    client = _locked_active(client)
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    User.objects.filter(pk=client.user_id).update(is_active=False)
    audit.record(actor, audit.Action.PERMISSION_CHANGE, "api.client.revoked", client, request=request,
                 summary=f"吊销接口客户端：{client}")
    return client


def idempotency_retention():
    return datetime.timedelta(hours=settings.API_IDEMPOTENCY_RETENTION_HOURS)


def purge_idempotent_answers(now=None):
    """The answers kept for Idempotency-Key are deleted once older than the retention (API_IDEMPOTENCY_RETENTION_HOURS,
    a day by default): a client retries within it, or its key counts as new. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - idempotency_retention()
    return IdempotentAnswer.objects.filter(created_at__lt=cutoff).delete()[0]
