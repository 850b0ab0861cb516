"""Optimistic locking for records that people edit in forms.

The edit form carries the version it was opened at. Saving claims the next version with a conditional UPDATE
(`... WHERE version = <opened>`); when someone saved in between, nothing is overwritten and the user is told who
changed the record, when, and which of the fields he submitted now hold something else. A save that carries no
version, or one that is not a number, is refused the same way (页面已过期): otherwise the last writer would win.
Code that edits without a form (imports, scripts, other services) says so explicitly with `LATEST`."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from core.models import AuditEvent
from core.refusals import Refused


class Versioned(models.Model):
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


# For writers that hold no opened version (an import, a script, another service): take the next version whatever it
# is. Not an int, so no request value can ever become it.
LATEST = object()


class EditConflict(Refused):
    """A refusal like any other (pages show it with core.refusals.show_refusal), carrying what differs."""

    def __init__(self, message, differences):
        super().__init__(message, code="conflict")
        self.differences = differences  # [(label, current value, submitted value)]


class VersionField(forms.IntegerField):
    """A missing or malformed version cleans to None, which claim_version refuses as an out-of-date page, with the
    differences, instead of a hidden-field error the user cannot act on."""

    widget = forms.HiddenInput

    def __init__(self, min_value=1, **kwargs):
        super().__init__(required=False, min_value=min_value, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            return None


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

    `submitted` maps field names to the values the user sent. On success `instance.version` is the new version.
    `opened_version` must be the int the form was opened at (or LATEST); anything else is refused."""
    model = type(instance)
    if opened_version is LATEST:
        model.objects.filter(pk=instance.pk).update(version=F("version") + 1)
        instance.version = model.objects.values_list("version", flat=True).get(pk=instance.pk)
        return
    if not _is_version(opened_version):
        current = model.objects.get(pk=instance.pk)
        raise _conflict("保存未成功：页面已过期（缺少有效的版本信息），您的修改没有保存。",
                        _differences(current, submitted), "请刷新页面，核对最新内容后重新修改。")
    claimed = model.objects.filter(pk=instance.pk, version=opened_version).update(version=F("version") + 1)
    if claimed:
        instance.version = opened_version + 1
        return
    current = model.objects.get(pk=instance.pk)
    who = _last_change(current)
    raise _conflict(f"保存未成功：在您编辑期间，该记录{who}，您的修改没有覆盖它。",
                    _differences(current, submitted), "请核对最新内容后重新修改。")


def _is_version(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _differences(current, submitted):
    model = type(current)
    return [
        (str(model._meta.get_field(name).verbose_name), _display(current, name, getattr(current, name)),
         _display(current, name, value))
        for name, value in submitted.items() if getattr(current, name) != value
    ]


def _last_change(current):
    model = type(current)
    last = (AuditEvent.objects.filter(target_type=model._meta.label_lower, action=AuditEvent.Action.UPDATE,
                                      target_id=str(getattr(current, "code", None) or current.pk))
            .order_by("-id").first())
    return f"已被{last.actor_username}于{timezone.localtime(last.at):%Y-%m-%d %H:%M}修改" if last else "已被他人修改"


def _conflict(opening, differences, closing):
    detail = "；".join(f"「{label}」现为“{now}”（您填写的是“{mine}”）" for label, now, mine in differences)
    return EditConflict(opening + (f"与您提交内容不同的字段：{detail}。" if detail else "") + closing, differences)
