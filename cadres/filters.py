import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When

from cadres import snapshots
from cadres.models import Cadre, CadreStatus, ManagementLevel, Rank, name_bigrams
from cadres.warnings import rule_choices
from core.filters import OrderingFilter, UnitSubtreeFilter
from core.widgets import FastSelect

ANY_WARNING = "any"
# Rank order for sorting: the 职务 levels, then the 职级 series, as declared.
RANK_ORDER = Case(*[When(rank=code, then=Value(index)) for index, code in enumerate(Rank.values)],
                  default=Value(len(Rank.values)), output_field=IntegerField())


def with_rank_order(queryset):
    return queryset.annotate(rank_order=RANK_ORDER)


def search(queryset, value):
    """Cadres whose name contains `value`, or whose full ID number it is."""
    value = value.strip()
    if not value:
        return queryset
    if len(value) == 2:  # a two-character name or part of one, through its own index (name_bigrams)
        return queryset.alias(bigrams=name_bigrams()).filter(bigrams__contains=[value.upper()])
    return queryset.filter(Q(name__icontains=value) | Q(id_number=value.upper()))


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名或身份证号", method="search",
                                  widget=forms.TextInput(attrs={"placeholder": "姓名（可部分）或完整身份证号"}))
    unit = UnitSubtreeFilter(label="单位（含下级）", empty_label="全部单位", active_only=True)
    # FastSelect: the options rendered in Python, not one template each (the list is the busiest page).
    rank = django_filters.ChoiceFilter(label="职级", choices=Rank.choices, empty_label="全部职级", widget=FastSelect)
    status = django_filters.ChoiceFilter(label="状态", choices=CadreStatus.choices, empty_label="全部状态",
                                         widget=FastSelect)
    management_level = django_filters.ChoiceFilter(label="管理层级", choices=ManagementLevel.choices,
                                                   empty_label="全部层级", widget=FastSelect)
    is_principal = django_filters.BooleanFilter(label="一把手", widget=FastSelect(
        choices=[("", "是否一把手"), ("true", "一把手"), ("false", "非一把手")]))
    warning = django_filters.ChoiceFilter(label="预警", method="filter_warning", empty_label="预警：不限",
                                          choices=lambda: [(ANY_WARNING, "有任一预警"), *rule_choices()],
                                          widget=FastSelect)
    sort = OrderingFilter(
        label="排序",
        widget=FastSelect,
        fields=(("unit__path", "unit"), ("name", "name"), ("rank_order", "rank"), ("post_since", "post_since"),
                ("birth_date", "birth_date")),
        field_labels={"unit__path": "单位", "name": "姓名", "rank_order": "职级", "post_since": "任现职时间",
                      "birth_date": "出生日期"},
        empty_label="默认排序",
    )

    class Meta:
        model = Cadre
        fields = []

    def search(self, queryset, name, value):
        return search(queryset, value)

    def filter_warning(self, queryset, name, value):
        rules = None if value == ANY_WARNING else [value]
        return snapshots.flagged(queryset, rules=rules)
