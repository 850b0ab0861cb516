"""CadrePicker: choose cadres by typing part of a name, for any form field over cadres (a ModelChoiceField or
ModelMultipleChoiceField whose queryset is the cadres the user may pick). A <select> of every cadre in scope is a
few hundred KB in a county and tens of MB in a province; this renders only the cadres already chosen and asks
cadres:pick (static/js/picker.js) for matches as the user types. The field still validates what is posted."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse


class CadrePicker(forms.Widget):
    template_name = "cadres/widgets/cadre_picker.html"

    def __init__(self, attrs=None, multiple=False, params=None):
        """`params` narrow the suggestions as the field's queryset does (cadres:pick understands `unit`, a unit
        code with its sub-units, and `principal`=1); the field still decides what it accepts."""
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.params = dict(params or {})

    def format_value(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        field = getattr(getattr(self, "choices", None), "field", None)
        chosen = []
        if ids and field is not None:
            found = {str(cadre.pk): cadre for cadre in field.queryset.filter(pk__in=ids)}
            chosen = [(pk, field.label_from_instance(found[pk])) for pk in ids if pk in found]
        url = reverse("cadres:pick") + (f"?{urlencode(self.params)}" if self.params else "")
        context["widget"].update(chosen=chosen, multiple=self.allow_multiple_selected, url=url)
        return context

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty picker posts nothing: that means "none chosen", not "field left out"
