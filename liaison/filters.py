import django_filters

from liaison.models import MemberUnit, Report, parse_period


class ReportFilter(django_filters.FilterSet):
    # A list of the months that have reports, not <input type="month">: the browser's empty month box reads
    # "--------- ----" and cannot say 全部 (issue 20).
    period = django_filters.ChoiceFilter(label="月份", method="filter_period", choices=())
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
        self.filters["period"].extra["choices"] = [
            (f"{month:%Y-%m}", f"{month.year}年{month.month}月")
            for month in self.queryset.order_by().dates("period", "month", order="DESC")]

    def filter_period(self, queryset, name, value):
        period = parse_period(value)
        return queryset.filter(period=period) if period else queryset
