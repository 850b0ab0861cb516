"""The informant's identity (举报人身份) of a named report: stored encrypted (petitions.crypto), with keyed hashes of
the phone and ID number to find repeat reporters; shown only to a user who may see it (the case's handlers hold the
object permission, granted and revoked here; petitions.permissions.can_view_identity decides) after a stated
reason; corrected with a reason; re-encrypted on key rotation. Every view and change is in the audit log, never a
value."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from guardian.shortcuts import assign_perm, remove_perm

from core import audit
from core.refusals import Refused
from petitions import crypto, permissions
from petitions.models import Petition, PetitionEvent, ReporterIdentity

PERMISSION = f"petitions.{permissions.IDENTITY_PERMISSION}"


def grant(petition, users):
    """The case's handlers may see its informant."""
    for user in users:
        assign_perm(PERMISSION, user, petition)


def revoke(petition, users):
    for user in users:
        remove_perm(PERMISSION, user, petition)


@dataclass(frozen=True)
class Reporter:
    """The informant as entered; its repr never shows the values (logs, error pages)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""

    def __repr__(self):
        return "Reporter(***)"

    __str__ = __repr__

    def is_empty(self):
        return not any((self.name, self.id_number, self.phone, self.address))


@sensitive_variables()
def store(petition, reporter):
    """Encrypt the informant of a named report at registration (each value bound to its case and field)."""
    identity = ReporterIdentity(petition=petition)
    values = {
        "name_token": reporter.name,
        "id_number_token": reporter.id_number.upper(),
        "phone_token": reporter.phone,
        "address_token": reporter.address,
    }
    for field, value in values.items():
        setattr(identity, field, crypto.encrypt(value.strip(), identity.aad(field)))
    identity.phone_hash = crypto.keyed_hash(reporter.phone)
    identity.id_number_hash = crypto.keyed_hash(reporter.id_number)
    identity.save()
    return identity


@dataclass(frozen=True)
class RevealedIdentity:
    name: str
    id_number: str
    phone: str
    address: str
    other_cases: tuple = ()  # codes of other visible cases from the same phone or ID number

    def __repr__(self):
        return "RevealedIdentity(***)"

    __str__ = __repr__


@sensitive_variables()
def reveal(petition, *, actor, reason, request=None):
    """Decrypt the identity for one response, after a stated reason; every call is in the audit log."""
    if not permissions.can_view_identity(actor, petition):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise Refused("请说明查看举报人身份的事由")
    identity = ReporterIdentity.objects.get(petition=petition)
    values = {
        field: crypto.decrypt(getattr(identity, field), identity.aad(field)) for field in ReporterIdentity.TOKEN_FIELDS
    }
    other = ReporterIdentity.objects.exclude(petition=petition)
    hashes = [value for value in (identity.phone_hash, identity.id_number_hash) if value]
    matches = other.filter(phone_hash__in=hashes) | other.filter(id_number_hash__in=hashes) if hashes else other.none()
    codes = tuple(
        Petition.objects.visible_to(actor)
        .filter(pk__in=matches.values("petition_id"))
        .order_by("received_on")
        .values_list("code", flat=True)
    )
    audit.record(
        actor,
        audit.Action.VIEW,
        "petitions.identity.viewed",
        petition,
        request=request,
        summary=f"查看信访举报件 {petition.code} 的举报人身份，事由：{reason}"[:500],
    )
    return RevealedIdentity(
        values["name_token"], values["id_number_token"], values["phone_token"], values["address_token"], codes
    )


FIELD_LABELS = {
    "name_token": "姓名",
    "id_number_token": "身份证号",
    "phone_token": "联系电话",
    "address_token": "联系地址",
}


@transaction.atomic
@sensitive_variables()
def update(petition, reporter, *, actor, reason, request=None):
    """更正举报人信息 (e.g. a wrong phone number), by a user allowed to see the identity, with a reason. Encrypted as at
    registration, keyed hashes recomputed; the timeline and the audit log name the fields changed, never a value.
    Returns the labels of the fields changed."""
    if not permissions.can_view_identity(actor, petition):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise Refused("请说明更正举报人信息的原因")
    if reporter is None or not reporter.name.strip() or not (reporter.phone.strip() or reporter.address.strip()):
        raise Refused("请填写举报人姓名及联系电话或地址")
    identity = ReporterIdentity.objects.select_for_update().get(petition=petition)
    values = {
        "name_token": reporter.name.strip(),
        "id_number_token": reporter.id_number.strip().upper(),
        "phone_token": reporter.phone.strip(),
        "address_token": reporter.address.strip(),
    }
    changed = [
        field
        for field, value in values.items()
        if crypto.decrypt(getattr(identity, field), identity.aad(field)) != value
    ]
    if not changed:
        raise Refused("举报人信息没有变化")
    for field in changed:
        setattr(identity, field, crypto.encrypt(values[field], identity.aad(field)))
    identity.phone_hash = crypto.keyed_hash(values["phone_token"])
    identity.id_number_hash = crypto.keyed_hash(values["id_number_token"])
    identity.save()
    labels = [FIELD_LABELS[field] for field in changed]
    PetitionEvent.objects.create(
        petition=petition,
        actor=actor,
        action="update_identity",
        label="更正举报人信息",
        note=f"更正项：{'、'.join(labels)}",
    )
    audit.record(
        actor,
        audit.Action.UPDATE,
        "petitions.identity.updated",
        petition,
        request=request,
        summary=f"更正信访举报件 {petition.code} 的举报人信息（{'、'.join(labels)}），原因：{reason}"[:500],
        changes={"fields": labels},
    )
    return labels


def reencrypt(identity, ring=None):
    """Re-encrypt every value of one identity under the active key and recompute the keyed hashes (key rotation).
    Returns True when something changed. The caller holds the row lock."""
    ring = ring or crypto.keyring()
    changed = False
    phone = id_number = ""
    for field in ReporterIdentity.TOKEN_FIELDS:
        token = getattr(identity, field)
        plain = crypto.decrypt(token, identity.aad(field), ring=ring)
        if field == "phone_token":
            phone = plain
        elif field == "id_number_token":
            id_number = plain
        if token and crypto.key_id_of(token) != ring.active:
            setattr(identity, field, crypto.encrypt(plain, identity.aad(field), ring=ring))
            changed = True
    hashes = (crypto.keyed_hash(phone, ring=ring), crypto.keyed_hash(id_number, ring=ring))
    if hashes != (identity.phone_hash, identity.id_number_hash):
        identity.phone_hash, identity.id_number_hash = hashes
        changed = True
    if changed:
        identity.save()
    return changed
