from django import forms

from audits.models import (
    Assessment,
    Audit,
    AuditKind,
    AuditRules,
    Category,
    EntryDecision,
    FindingCategory,
    Mode,
    Responsibility,
    ResultKind,
)
from cadres.models import Cadre
from cadres.widgets import CadrePicker
from core.concurrency import VersionedFormMixin, VersionField
from core.forms import PleaseChooseMixin
from core.models import User
from core.widgets import FastSelect

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"})


def money_field(label, required=False):
    """Decimal in 元 with two places; the form never produces a float."""
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=16, decimal_places=2,
                              widget=MONEY_WIDGET)


class ClassificationForm(forms.Form):
    """`version`: the classification's version as the form opened (core.concurrency), or 0 (services.UNCLASSIFIED)
    when the unit had none, so that two people classifying a new unit at once do not overwrite each other either
    (core's VersionField starts at 1, hence a field of its own)."""

    category = forms.ChoiceField(label="类别", choices=Category.choices)
    mode = forms.ChoiceField(label="审计方式", choices=[("", "按类别默认")] + Mode.choices, required=False)
    is_subject = forms.BooleanField(label="纳入审计对象", required=False, initial=True)
    basis = forms.CharField(label="分类依据", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="经济活动量大小、民生任务轻重")
    reason = forms.CharField(label="调整理由", required=False, max_length=300,
                             help_text="调整类别、方式或是否纳入时必填")

    version = VersionField(min_value=0)

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = 0 if version is None else version


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class EntryDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=EntryDecision.choices)
    note = forms.CharField(label="说明", required=False, max_length=300)


class EntryAddForm(PleaseChooseMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=Cadre.objects.none(), widget=CadrePicker)
    kind = forms.ChoiceField(label="审计类型", choices=AuditKind.choices)
    mode = forms.ChoiceField(label="审计方式", choices=Mode.choices)
    reason = forms.CharField(label="列入理由", max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": "列入理由", "size": 30}))

    def __init__(self, *args, cadres=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres
            self.fields["cadre"].label_from_instance = lambda c: f"{c.unit.display_name} {c.post_title} {c.name}"
        if unit is not None:  # suggest the plan's unit's cadres, as the queryset accepts
            self.fields["cadre"].widget.params = {"unit": unit.code}


class PlanApproveForm(forms.Form):
    approved_on = forms.DateField(label="批准日期", widget=DATE)
    approval_ref = forms.CharField(label="批准文号", required=False, max_length=100)


class PlanReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=300)


class AuditCreateForm(PleaseChooseMixin, forms.Form):
    year = forms.IntegerField(label="计划年度", min_value=2000, max_value=2100)
    cadres = forms.ModelMultipleChoiceField(label="审计对象", queryset=Cadre.objects.none(),
                                            widget=CadrePicker(multiple=True),
                                            help_text="联审可选择多名干部：逐个查找添加")
    unit = forms.ModelChoiceField(label="被审计单位", queryset=None, widget=FastSelect(label_field="name"))
    kind = forms.ChoiceField(label="审计类型", choices=AuditKind.choices)
    mode = forms.ChoiceField(label="审计方式", choices=Mode.choices)
    period_start = forms.DateField(label="审计期间起", required=False, widget=DATE)
    period_end = forms.DateField(label="审计期间止", required=False, widget=DATE)
    auditing_body = forms.CharField(label="审计机关", max_length=100, initial="县审计局")

    def __init__(self, *args, cadres, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
        self.fields["cadres"].label_from_instance = lambda c: f"{c.unit.display_name} {c.post_title} {c.name}"
        self.fields["unit"].queryset = units


class AuditEditForm(PleaseChooseMixin, VersionedFormMixin, forms.ModelForm):
    violation_amount = money_field("违规金额（元）")

    class Meta:
        model = Audit
        fields = ["mode", "period_start", "period_end", "auditing_body", "handler", "entry_date",
                  "draft_delivered_on", "comments_received_on", "comments_note", "report_date",
                  "result_report_date", "assessment", "violation_amount", "summary"]
        widgets = {name: DATE for name in ["period_start", "period_end", "entry_date", "draft_delivered_on",
                                           "comments_received_on", "report_date", "result_report_date"]}

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers if handlers is not None else User.objects.none()
        self.fields["summary"].widget.attrs["rows"] = 3
        days = AuditRules.for_unit(self.instance.unit_id).comment_days
        self.fields["draft_delivered_on"].help_text = (
            f"被审计领导干部及其所在单位应在送达后{days}天内提出书面意见，反馈期限自动计算")


class StartForm(forms.Form):
    entry_date = forms.DateField(label="进点日期", widget=DATE)


class ReportForm(forms.Form):
    report_date = forms.DateField(label="审计报告日期", widget=DATE)
    assessment = forms.ChoiceField(label="总体评价", choices=Assessment.choices)
    violation_amount = money_field("违规金额（元）", required=True)


class ResultsForm(forms.Form):
    result_report_date = forms.DateField(label="结果报告日期", widget=DATE)


class CloseForm(forms.Form):
    pass


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label="撤销原因", max_length=300)


TRANSITION_FORMS = {"start": StartForm, "report": ReportForm, "results": ResultsForm, "close": CloseForm,
                    "cancel": CancelForm}


class FindingForm(PleaseChooseMixin, forms.Form):
    category = forms.ChoiceField(label="问题类别", choices=FindingCategory.choices)
    amount = money_field("涉及金额（元）")
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}))
    responsibility = forms.ChoiceField(label="责任类型", choices=Responsibility.choices)
    # among the audit's few subjects
    responsible_cadre = forms.ModelChoiceField(label="责任干部", queryset=Cadre.objects.none(), required=False)
    rectification_required = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label="整改起算日期", required=False, widget=DATE,
                                 help_text="默认为结果报告日期（无则审计报告日期）")
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE,
                               help_text="默认为起算日期后60天，可修改")

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["responsible_cadre"].queryset = cadres


class ResultVoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：登记错误、重复登记、决定已撤销")


class ResultForm(PleaseChooseMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=Cadre.objects.none())  # the audit's few subjects
    kind = forms.ChoiceField(label="运用方式", choices=ResultKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is not None:
            self.fields["cadre"].queryset = cadres

