"""Filter classes shared by the apps' filters.py. The blank choice of every filter reads 全部
(FILTERS_EMPTY_CHOICE_LABEL in config/settings.py)."""

import django_filters

from core.scoping import in_subtree, visible_units
from core.widgets import UnitSelect


class OrderingFilter(django_filters.OrderingFilter):
    # django-filter's "%s (descending)" has no Simplified Chinese translation.
    descending_fmt = "%s（倒序）"


def unit_choices(request, active_only=False):
    """The units a list's unit filter accepts: those the requesting user may see (none without a request)."""
    units = visible_units(request.user if request else None)
    return units.filter(is_active=True) if active_only else units


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """The unit filter of every list: a unit and everything below it. `field_name` names the unit field filtered
    on (default the filter's own name, "unit"; e.g. "cadre__unit"). The choices default to the units the user may
    see (`active_only`: the active ones), shown in the two-level UnitSelect; any of them is accepted, so a link to a
    department's list works."""

    def __init__(self, *args, active_only=False, **kwargs):
        kwargs.setdefault("queryset", lambda request: unit_choices(request, active_only))
        kwargs.setdefault("widget", UnitSelect())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return in_subtree(qs, value or None, self.field_name)
