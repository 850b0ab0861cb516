from django import forms
from django.utils import timezone

from core.concurrency import VersionedFormMixin
from core.forms import PleaseChooseMixin, clean_not_future
from liaison.models import Disposal, ItemSource, Meeting, MemberUnit, Report, ReportItem, period_label


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NewReportForm(forms.Form):
    period = forms.TypedChoiceField(label="所属月份", coerce=str)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(f"{p:%Y-%m}", period_label(p)) for p in periods]


NIL_STATEMENT = "经认真梳理，本单位本月无应报告的干部监督信息。"


class ReportForm(PleaseChooseMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["is_nil", "nil_statement", "remarks"]
        labels = {"is_nil": "零报告（本月无应报告事项）"}
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"nil_statement": f"勾选零报告时填写，如：{NIL_STATEMENT}"}


class NilReportForm(VersionedFormMixin, forms.Form):
    """The confirmation of a 零报告: the statement (a sensible default) and the version the page was opened at."""

    nil_statement = forms.CharField(label="零报告说明", max_length=200, initial=NIL_STATEMENT,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(PleaseChooseMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ReportItem
        fields = ["cadre_name", "cadre_post", "is_principal", "aspect", "description", "source_kind", "source",
                  "occurred_on", "severity"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"cadre_name": "填写干部姓名，由监督科匹配到干部库", "cadre_post": "如：县交通运输局局长",
                      "is_principal": "一把手相关事项须即时通报：保存后将立即作为即时通报报送，不列入月度通报"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].required = False  # older clients send no category: 本单位工作中发现

    def clean_source_kind(self):
        return self.cleaned_data.get("source_kind") or ItemSource.WORK

    def clean_occurred_on(self):
        return clean_not_future(self.cleaned_data["occurred_on"], "发生时间")


class UrgentForm(ItemForm):
    """即时通报: always about a 一把手."""

    class Meta(ItemForm.Meta):
        fields = [f for f in ItemForm.Meta.fields if f != "is_principal"]


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class VoidForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=200)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class MatchForm(forms.Form):
    cadre = forms.UUIDField(label="干部")


class DisposalForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = Disposal
        fields = ["action", "decided_on", "feedback", "note"]
        widgets = {"decided_on": DateInput(), "feedback": forms.Textarea(attrs={"rows": 2}),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class MeetingForm(PleaseChooseMixin, VersionedFormMixin, forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(label="参会单位", queryset=MemberUnit.objects.none(),
                                               widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_on", "agenda", "minutes"]
        widgets = {"held_on": DateInput(), "agenda": forms.Textarea(attrs={"rows": 4}),
                   "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, member_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = member_units if member_units is not None else MemberUnit.objects.none()
        if self.instance.pk:
            self.fields["attendees"].initial = list(self.instance.attendees.values_list("pk", flat=True))


class DecisionForm(PleaseChooseMixin, forms.Form):
    content = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(label="牵头单位", queryset=MemberUnit.objects.none())
    deadline = forms.DateField(label="办结期限", widget=DateInput())

    def __init__(self, *args, member_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = member_units if member_units is not None else MemberUnit.objects.none()


class DecisionDoneForm(forms.Form):
    note = forms.CharField(label="办理情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionReportForm(forms.Form):
    note = forms.CharField(label="办理情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="请写明办理措施、完成时间和取得的成效，报监督科备查。")


class DecisionFilterForm(forms.Form):
    STATES = [("", "全部"), ("open", "办理中"), ("overdue", "逾期未办结"), ("done", "已办结")]
    state = forms.ChoiceField(label="状态", choices=STATES, required=False)
