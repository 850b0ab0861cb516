"""What every form of the platform shares: the blank choice of a <select> reads 请选择, not Django's "---------"
(filters read 全部: FILTERS_EMPTY_CHOICE_LABEL in config/settings.py); a date that may not lie after today is
refused by the one rule (core.refusals.not_future), as the field's error."""

from django import forms

from core.refusals import Refused, not_future

PLEASE_CHOOSE = "请选择"
DJANGO_BLANK = "---------"  # ModelChoiceField's empty_label and a model field's BLANK_CHOICE_DASH


def please_choose(field):
    """Give the field's blank choice the words 请选择; its value ("") and meaning stay the same."""
    if getattr(field, "empty_label", None) == DJANGO_BLANK:
        field.empty_label = PLEASE_CHOOSE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if any(label == DJANGO_BLANK for _value, label in choices):
            field.choices = [(value, PLEASE_CHOOSE if label == DJANGO_BLANK else label) for value, label in choices]
    if isinstance(field.widget, forms.SelectDateWidget):
        field.widget.none_value = ("", PLEASE_CHOOSE)


class PleaseChooseMixin:
    """Put it first among a form's bases. The field is fixed when it is rendered (form[name]), so fields that a
    form's __init__ adds after the base __init__ are fixed too."""

    def __getitem__(self, name):
        please_choose(self.fields[name])
        return super().__getitem__(name)


def clean_not_future(day, label="日期"):
    """For a form's clean_<field>: core.refusals.not_future, its refusal as the field's error."""
    try:
        return not_future(day, label)
    except Refused as refusal:
        raise forms.ValidationError(refusal.message) from None
