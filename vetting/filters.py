import django_filters
from django import forms
from django.db.models import Q

from vetting.models import Batch, CaseStatus, MoveKind, VettingCase


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名/编号", method="search",
                                  widget=forms.TextInput(attrs={"placeholder": "姓名或案件编号"}))
    status = django_filters.ChoiceFilter(label="环节", choices=CaseStatus.choices, empty_label="全部环节")
    move_kind = django_filters.ChoiceFilter(label="任用方式", choices=MoveKind.choices, empty_label="全部方式")
    batch = django_filters.ModelChoiceFilter(label="会议批次", queryset=lambda request: Batch.objects.visible_to(
        request.user), empty_label="全部批次", field_name="batch", to_field_name="code")
    blocked = django_filters.BooleanFilter(label="存在阻止任职事项", field_name="is_blocked")

    class Meta:
        model = VettingCase
        fields = ["q", "status", "move_kind", "batch", "blocked"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(cadre__name__contains=value.strip()) | Q(number__icontains=value.strip()))
