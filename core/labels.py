"""The one place where a stored code becomes the words the user reads.

Audit payloads, case histories, notifications and exports keep codes ("talk", "closed"); people read the
TextChoices label ("谈话", "已结束"). Anything that shows a stored field value calls `field_label`."""

from django.core.exceptions import FieldDoesNotExist

EMPTY = "（空）"


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model, name, value):
    """The text of `value` of `model`'s field `name`: its choice label, 是/否 for a boolean, （空） for nothing;
    any other value as it is. A code no longer among the choices is shown as stored rather than hidden."""
    if value is None or value == "":
        return EMPTY
    field = _field(model, name)
    if field is not None and field.choices:
        values = value if isinstance(value, list) else [value]
        choices = {str(code): str(label) for code, label in field.flatchoices}
        return "、".join(choices.get(str(v), str(v)) for v in values)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def verbose_name(model, name):
    """The field's Chinese name, or `name` itself for a key that is not a field (e.g. a computed entry)."""
    field = _field(model, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
