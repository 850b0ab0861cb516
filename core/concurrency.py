"""Optimistic locking for records that people edit in forms.

The edit form carries the version it was opened at. Saving claims the next version with a conditional UPDATE
(`... WHERE version = <opened>`); when someone saved in between, nothing is overwritten and the user is told who
changed the record, when, and which of the fields he submitted now hold something else."""

from django import forms
from django.db import models
from django.db.models import F
from django.utils import timezone

from core.models import AuditEvent


class Versioned(models.Model):
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(Exception):
    def __init__(self, message, differences):
        super().__init__(message)
        self.message = message
        self.differences = differences  # [(label, current value, submitted value)]


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class VersionedFormMixin:
    """Adds the hidden `version` field, initialised from the instance (or from `version=` for plain forms)."""

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["version"] = VersionField()
        self.fields["version"].initial = version or getattr(instance, "version", None)


def _display(instance, field_name, value):
    field = instance._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if value in (None, ""):
        return "（空）"
    return str(value)


def claim_version(instance, opened_version, submitted):
    """Inside the saving transaction: take the next version, or raise EditConflict naming what differs.

    `submitted` maps field names to the values the user sent. On success `instance.version` is the new version."""
    model = type(instance)
    if opened_version is None:
        opened_version = instance.version
    claimed = model.objects.filter(pk=instance.pk, version=opened_version).update(version=F("version") + 1)
    if claimed:
        instance.version = opened_version + 1
        return
    current = model.objects.get(pk=instance.pk)
    differences = [
        (str(model._meta.get_field(name).verbose_name), _display(current, name, getattr(current, name)),
         _display(current, name, value))
        for name, value in submitted.items() if getattr(current, name) != value
    ]
    last = (AuditEvent.objects.filter(target_type=model._meta.label_lower, action=AuditEvent.Action.UPDATE,
                                      target_id=str(getattr(current, "code", None) or current.pk))
            .order_by("-id").first())
    who = f"已被{last.actor_username}于{timezone.localtime(last.at):%Y-%m-%d %H:%M}修改" if last else "已被他人修改"
    detail = "；".join(f"「{label}」现为“{now}”（您填写的是“{mine}”）" for label, now, mine in differences)
    message = f"保存未成功：在您编辑期间，该记录{who}，您的修改没有覆盖它。" + (
        f"与您提交内容不同的字段：{detail}。" if detail else "") + "请核对最新内容后重新修改。"
    raise EditConflict(message, differences)
