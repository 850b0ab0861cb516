import django_filters
from django import forms

from liaison.models import MemberUnit, Report, parse_period


class ReportFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(label="月份", method="filter_period",
                                       widget=forms.TextInput(attrs={"type": "month"}))
    member_unit = django_filters.ModelChoiceFilter(label="成员单位", queryset=MemberUnit.objects.none(),
                                                   field_name="member_unit", to_field_name="code")
    status = django_filters.ChoiceFilter(label="状态", choices=Report.Status.choices)
    kind = django_filters.ChoiceFilter(label="类别", choices=Report.Kind.choices)

    class Meta:
        model = Report
        fields = ["period", "member_unit", "status", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["member_unit"].queryset = MemberUnit.objects.in_jurisdiction_of(user).select_related("unit")

    def filter_period(self, queryset, name, value):
        period = parse_period(value)
        return queryset.filter(period=period) if period else queryset
