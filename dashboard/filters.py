import django_filters

from cadres.models import MeasureKind, SourceChannel
from core.scoping import visible_units
from dashboard.periods import Period


def _units(request):
    return visible_units(request.user if request else None)


class MeasureFilter(django_filters.FilterSet):
    """监督措施 by kind, source, period (2026 / 2026-Q4 / 2026-10) and unit (its code, with sub-units)."""

    kind = django_filters.ChoiceFilter(label="措施类别", choices=MeasureKind.choices, empty_label="全部类别")
    source_channel = django_filters.ChoiceFilter(label="来源", choices=SourceChannel.choices, empty_label="全部来源")
    period = django_filters.CharFilter(label="期间", method="by_period")
    unit = django_filters.ModelChoiceFilter(label="单位（含下级）", queryset=_units, to_field_name="code",
                                            method="by_unit", empty_label="全部单位")

    def by_period(self, queryset, name, value):
        period = Period.parse(value)
        if period is None:
            return queryset
        return queryset.filter(date__gte=period.start, date__lte=period.end)

    def by_unit(self, queryset, name, value):
        return queryset.filter(cadre__unit__path__startswith=value.path)
