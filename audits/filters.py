import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from audits.models import Audit, AuditStatus, AuditSubject, Category, Finding, FindingCategory
from core import rectification
from core.filters import UnitSubtreeFilter

YEAR = forms.NumberInput(attrs={"placeholder": "年度", "style": "width: 7em"})


class AuditFilter(django_filters.FilterSet):
    RECTIFICATION = [("open", "有未整改问题"), ("overdue", "有逾期未整改问题"), ("done", "问题均已整改"),
                     ("none", "未发现问题")]

    year = django_filters.NumberFilter(label="年度", widget=YEAR)
    category = django_filters.ChoiceFilter(label="类别", choices=Category.choices, empty_label="全部类别")
    unit = UnitSubtreeFilter(label="单位", empty_label="全部单位")
    status = django_filters.ChoiceFilter(label="状态", choices=AuditStatus.choices, empty_label="全部状态")
    rectification = django_filters.ChoiceFilter(label="整改情况", choices=RECTIFICATION, method="by_rectification",
                                                empty_label="整改情况不限")
    q = django_filters.CharFilter(label="审计对象", method="by_name",
                                  widget=forms.TextInput(attrs={"placeholder": "审计对象姓名", "size": 10}))

    class Meta:
        model = Audit
        fields = []

    def by_rectification(self, qs, name, value):
        findings = Finding.objects.filter(audit=OuterRef("pk"), voided_at__isnull=True)
        open_findings = findings.filter(rectification.OPEN_Q)
        if value == "open":
            return qs.filter(Exists(open_findings))
        if value == "overdue":
            return qs.filter(Exists(open_findings.filter(rectification_deadline__lt=timezone.localdate())))
        if value == "done":
            return qs.filter(Exists(findings)).exclude(Exists(open_findings))
        if value == "none":
            return qs.exclude(Exists(findings))
        return qs

    def by_name(self, qs, name, value):
        if not value.strip():
            return qs
        return qs.filter(Exists(AuditSubject.objects.filter(audit=OuterRef("pk"),
                                                            cadre__name__contains=value.strip())))


class FindingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="audit__year", widget=YEAR)
    category = django_filters.ChoiceFilter(label="问题类别", choices=FindingCategory.choices,
                                           empty_label="全部问题类别")
    unit_category = django_filters.ChoiceFilter(label="单位类别", choices=Category.choices,
                                                field_name="audit__category", empty_label="全部单位类别")
    unit = UnitSubtreeFilter(label="单位", field_name="audit__unit", empty_label="全部单位")
    status = django_filters.ChoiceFilter(label="整改状态", choices=rectification.RectificationStatus.choices,
                                         field_name="rectification_status", empty_label="全部整改状态")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "仅看逾期未整改")], empty_label="逾期不限",
                                          method="by_overdue")

    class Meta:
        model = Finding
        fields = []

    def by_overdue(self, qs, name, value):
        if value == "yes":
            return qs.filter(rectification.OPEN_Q, rectification_deadline__lt=timezone.localdate())
        return qs
