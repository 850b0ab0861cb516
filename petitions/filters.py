"""List filters: status, channel, category, unit (with its subtree), handler, days left, receipt dates, and a search
that matches the case number, query code, summary and the names of the people reported — never the informant
(encrypted).

Without a status chosen the list shows the counted cases, as the statistics count them (petitions.stats): a
duplicate (重复件) is counted in its main case's 件数 and a voided record nowhere; choosing 重复件 or 已作废 shows
them. `received_after` / `received_before` are the names the dashboard's links pass (dashboard/links.py)."""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count, Func, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from core.filters import UnitSubtreeFilter
from core.models import Unit, User
from core.scoping import can_read_cases, restrict_by_unit, visible_units
from core.widgets import FastSelect
from petitions.forms import office_users
from petitions.models import OPEN_STATUSES, Channel, Petition, PetitionSubject, ProblemCategory, Status
from petitions.search import matching

# What User.__str__ shows, computed in SQL for the handler filter's options (a province has hundreds of them).
USER_LABEL = Coalesce(NullIf("full_name", Value("")), "username")
OPEN = "open"
STATUS_CHOICES = [(OPEN, "在办（各环节）"), *Status.choices]
DAYS_CHOICES = [("overdue", "已逾期"), ("today", "今日到期"), ("soon", "5日内到期"), ("none", "无待办期限")]


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", widget=django_filters.widgets.forms.TextInput(
        attrs={"placeholder": "编号、查询码、摘要、被反映人"}))
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, method="by_status",
                                         empty_label="全部状态（不含重复件、作废件）")
    channel = django_filters.ChoiceFilter(label="渠道", choices=Channel.choices, empty_label="全部渠道")
    category = django_filters.ChoiceFilter(label="问题类别", choices=ProblemCategory.choices, method="by_category",
                                           empty_label="全部类别")
    unit = UnitSubtreeFilter(label="单位", queryset=Unit.objects.none(), empty_label="全部单位")
    handler = django_filters.ModelChoiceFilter(label="承办人", queryset=User.objects.none(), field_name="handlers",
                                               empty_label="全部承办人", widget=FastSelect(label_field=USER_LABEL))
    days = django_filters.ChoiceFilter(label="剩余天数", choices=DAYS_CHOICES, method="by_days",
                                       empty_label="全部期限")
    received_after = django_filters.DateFilter(label="收件日期从", field_name="received_on", lookup_expr="gte",
                                               widget=forms.DateInput(attrs={"type": "date"}))
    received_before = django_filters.DateFilter(label="收件日期至", field_name="received_on", lookup_expr="lte",
                                                widget=forms.DateInput(attrs={"type": "date"}))
    concluded_after = django_filters.DateFilter(label="办结日期从", field_name="concluded_on", lookup_expr="gte",
                                                widget=forms.DateInput(attrs={"type": "date"}))
    concluded_before = django_filters.DateFilter(label="办结日期至", field_name="concluded_on", lookup_expr="lte",
                                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = visible_units(user)
        self.filters["handler"].queryset = office_users()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.counted()
        return queryset

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return matching(queryset, value)

    def by_category(self, queryset, name, value):
        return queryset.filter(categories__contains=[value])

    def by_days(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(next_due__lt=today)
        if value == "today":
            return queryset.filter(next_due=today)
        if value == "soon":
            return queryset.filter(next_due__gt=today,
                                   next_due__lte=today + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS))
        return queryset.filter(next_due__isnull=True)


# 件数 = the case and its duplicates. A subquery per row shown, not a join grouped over the whole table: with the
# join, the list sorted and limited to one page still aggregated every case first (2 s at 150,000 cases).
_DUPLICATES = (Petition.objects.filter(duplicate_of=OuterRef("pk")).order_by().values("duplicate_of")
               .annotate(n=Count("pk")).values("n"))


def list_queryset(user):
    """The list's rows (and the export's): a fixed number of queries whatever the number of rows — unit joined;
    subjects, handlers prefetched; the report count annotated."""
    return (Petition.objects.visible_to(user).select_related("unit")
            .prefetch_related(Prefetch("subjects", queryset=PetitionSubject.objects.select_related("cadre")),
                              "handlers")
            .annotate(reports=Coalesce(Subquery(_DUPLICATES), 0) + 1))


def filtered(params, user):
    """(filterset, ordered queryset) for the list's query parameters (a QueryDict), seen by `user`. Always bound (an
    empty query too): without a status the list shows the counted cases."""
    filterset = PetitionFilter(params, queryset=list_queryset(user), user=user)
    return filterset, filterset.qs.order_by("-received_on", "-code")


def count(params, user):
    """How many cases `filtered(params, user)` lists, in one statement: the cases of the user's units that pass the
    filters, less those of them about the user himself (what hidden_from takes away). The large count is then a
    plain index scan, not an anti-join of every case with the subjects (at province scale a third of the list's
    time). Exact: the cases about the user are a part of the first count."""
    if not can_read_cases(user):
        return filtered(params, user)[1].count()
    in_units = restrict_by_unit(Petition.objects.all(), user, *Petition.objects.all().unit_fields)
    passing = PetitionFilter(params, queryset=in_units, user=user).qs.order_by()
    about = passing.about(user).values(n=Func("pk", function="COUNT"))
    return passing.aggregate(n=Count("pk") - Subquery(about))["n"]
