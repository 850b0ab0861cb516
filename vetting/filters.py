"""Filters of the case list. `unit`, `opened_after` and `opened_before` select the same cases as vetting.stats
(proposed post in the unit's subtree, opened in the period), so that a dashboard figure's link (dashboard/links.py
passes these names) lands on a list as long as the figure."""

import django_filters
from django import forms
from django.db.models import Q

from core.filters import UnitSubtreeFilter
from vetting.models import Batch, CaseStatus, MoveKind, VettingCase
from vetting.models.cases import CLOSED_STATUSES

DATE = forms.DateInput(attrs={"type": "date"})


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名/编号", method="search",
                                  widget=forms.TextInput(attrs={"placeholder": "姓名或案件编号"}))
    status = django_filters.ChoiceFilter(label="环节", choices=CaseStatus.choices, empty_label="全部环节")
    move_kind = django_filters.ChoiceFilter(label="任用方式", choices=MoveKind.choices, empty_label="全部方式")
    batch = django_filters.ModelChoiceFilter(label="会议批次", queryset=lambda request: Batch.objects.visible_to(
        request.user), empty_label="全部批次", field_name="batch", to_field_name="code")
    unit = UnitSubtreeFilter(label="拟任单位（含下级）", field_name="proposed_unit",
                             empty_label="全部拟任单位", active_only=True)
    opened_after = django_filters.DateFilter(label="启动日期从", field_name="opened_on", lookup_expr="gte",
                                             widget=DATE)
    opened_before = django_filters.DateFilter(label="启动日期至", field_name="opened_on", lookup_expr="lte",
                                              widget=DATE)
    blocked = django_filters.BooleanFilter(label="存在阻止任职事项", method="by_blocked", widget=forms.Select(
        choices=[("", "不限"), ("true", "是"), ("false", "否")]))

    class Meta:
        model = VettingCase
        fields = ["q", "status", "move_kind", "batch", "unit", "opened_after", "opened_before", "blocked"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(cadre__name__contains=value.strip()) | Q(number__icontains=value.strip()))

    def by_blocked(self, queryset, name, value):
        """Blocking items matter while a case is open (vetting.stats.blocked); a closed case is never "blocked"."""
        if value:
            return queryset.open().filter(is_blocked=True)
        return queryset.filter(Q(is_blocked=False) | Q(status__in=CLOSED_STATUSES))
