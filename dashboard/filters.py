import django_filters

from cadres.stats import MeasureKind, SourceChannel
from core.filters import UnitSubtreeFilter
from dashboard.periods import Period


class MeasureFilter(django_filters.FilterSet):
    """监督措施 by kind, source, period (2026 / 2026-Q4 / 2026-10) and unit (its code, with sub-units)."""

    kind = django_filters.ChoiceFilter(label="措施类别", choices=MeasureKind.choices, empty_label="全部类别")
    source_channel = django_filters.ChoiceFilter(label="来源", choices=SourceChannel.choices, empty_label="全部来源")
    period = django_filters.CharFilter(label="期间", method="by_period")
    unit = UnitSubtreeFilter(label="单位（含下级）", field_name="cadre__unit", to_field_name="code",
                             empty_label="全部单位")

    def by_period(self, queryset, name, value):
        period = Period.parse(value)
        if period is None:
            return queryset
        return queryset.filter(date__gte=period.start, date__lte=period.end)
