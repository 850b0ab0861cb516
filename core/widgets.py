"""Form widgets shared by the apps."""

import html

from django import forms
from django.db.models import Q, Subquery
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.models import unit_depth
from core.scoping import PICKER_LEVELS, picker_options


class FastSelect(forms.Select):
    """A <select> whose options are rendered in Python instead of one template per option. The unit filter of a
    province deployment has thousands of options; the stock widget spent most of a list page's time on them.

    `label_field`: for a model choice field, read (pk, that field) with values_list instead of building a model
    instance per option; it must be the field the model's __str__ shows, or an expression computing it."""

    def __init__(self, attrs=None, choices=(), label_field=None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _pairs(self):
        queryset = getattr(self.choices, "queryset", None)
        if self.label_field is None or queryset is None:
            yield from self.choices
            return
        field = self.choices.field
        if field.empty_label is not None:
            yield "", field.empty_label
        if isinstance(self.label_field, str):
            yield from queryset.values_list("pk", self.label_field)
        else:
            yield from queryset.annotate(option_label=self.label_field).values_list("pk", "option_label")

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs or {})
        final_attrs["name"] = name
        selected = {str(item) for item in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final_attrs))]
        for option_value, label in self._pairs():
            if isinstance(label, (list, tuple)):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts += [_option(v, text, selected) for v, text in label]
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, label, selected))
        parts.append("</select>")
        # Every part is escaped above (format_html, html.escape).
        return mark_safe("".join(parts))  # noqa: S308  # nosec


def _option(value, label, selected):
    value = "" if value is None else str(value)
    # html.escape rather than django's escape: the same characters, without a SafeString per call.
    return (f'<option value="{html.escape(value)}"{" selected" if value in selected else ""}>'
            f"{html.escape(str(label))}</option>")


class UnitSelect(FastSelect):
    """The unit filter of a list: the units down to `levels` below the top of the user's tree, plus the unit
    already chosen, indented by level (core.scoping.picker_options, as every unit drop-down). Any visible unit is
    still accepted (the field's queryset is not narrowed), so a link to a department's list works."""

    def __init__(self, attrs=None, levels=PICKER_LEVELS):
        super().__init__(attrs, label_field="name")
        self.levels = levels

    def render(self, name, value, attrs=None, renderer=None):
        self._selected = {str(item) for item in self.format_value(value)}
        return super().render(name, value, attrs, renderer)

    def _pairs(self):
        field = self.choices.field
        if field.empty_label is not None:
            yield "", field.empty_label
        key = field.to_field_name or "pk"  # the value the field reads back (a unit's code for some filters)
        rows = list(self._near(self.choices.queryset, key).values_list(key, "name", "path"))
        top = min((path.count("/") for _, _, path in rows), default=1)
        yield from picker_options(rows, top, getattr(self, "_selected", set()), self.levels)

    def _near(self, units, key):
        """The units offered, chosen in SQL: those down to `levels` below the shallowest one, and the chosen ones
        (a province has thousands of units; reading them all to show a few hundred cost a list page ~15 ms)."""
        depth = unit_depth()
        top = units.annotate(depth=depth).order_by("depth").values("depth")[:1]
        chosen = getattr(self, "_selected", set())
        if key == "pk":
            chosen = {value for value in chosen if value.isdigit()}  # a mistyped ?unit= shows as not chosen
        near = Q(depth__lte=Subquery(top) + self.levels)
        return units.annotate(depth=depth).filter(near | Q(**{f"{key}__in": chosen}))

