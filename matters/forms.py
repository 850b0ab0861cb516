from django import forms

from cadres.models import Cadre, MeasureKind
from cadres.widgets import CadrePicker
from core.forms import PleaseChooseMixin
from core.widgets import FastSelect
from matters.models import (
    AccountabilitySituation,
    Certificate,
    CertificateKind,
    EventKind,
    Funding,
    InspectionKind,
    InvestigationKind,
    OpinionResult,
    ReviewConclusion,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT3 = forms.Textarea(attrs={"rows": 3})


def _cadre_label(cadre):
    return f"{cadre.unit.display_name} {cadre.post_title} {cadre.name}"


class CadreChoiceMixin:
    """Cadre choices restricted to the user's scope (the view passes `cadres`)."""

    def _cadres(self, cadres, *names):
        for name in names:
            self.fields[name].queryset = cadres if cadres is not None else Cadre.objects.none()
            self.fields[name].label_from_instance = _cadre_label


class RegistrationForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=Cadre.objects.none(), widget=CadrePicker)
    registered_on = forms.DateField(label="登记备案日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "cadre")


class RemovalForm(forms.Form):
    removed_on = forms.DateField(label="撤销日期", widget=DATE)
    reason = forms.CharField(label="撤销原因", max_length=200)


class CertificateForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="持证人", queryset=Cadre.objects.none(), widget=CadrePicker)
    kind = forms.ChoiceField(label="证照类别", choices=CertificateKind.choices)
    number = forms.CharField(label="证件号码", max_length=30)
    issued_on = forms.DateField(label="签发日期", widget=DATE)
    expires_on = forms.DateField(label="有效期至", widget=DATE)
    issuing_authority = forms.CharField(label="签发机关", required=False, max_length=100)
    handed_over_on = forms.DateField(label="交存日期", required=False, widget=DATE,
                                     help_text="已交存的填写；未交存的留空，须在签发后规定天数内交存")
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "cadre")


class DateForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)


class CancelForm(forms.Form):
    date = forms.DateField(label="注销日期", widget=DATE)
    reason = forms.CharField(label="注销原因", max_length=200)


class ApplicationForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="申请人", queryset=Cadre.objects.none(), widget=CadrePicker)
    destination = forms.CharField(label="前往国家（地区）", max_length=200)
    departs_on = forms.DateField(label="出发日期", widget=DATE)
    returns_on = forms.DateField(label="返回日期", widget=DATE)
    purpose = forms.CharField(label="事由", widget=TEXT3)
    funding = forms.ChoiceField(label="费用来源", choices=Funding.choices)
    funding_note = forms.CharField(label="费用说明", required=False, max_length=200)
    companions = forms.CharField(label="同行人员", required=False, max_length=200)
    certificate = forms.ModelChoiceField(label="使用证照", queryset=Certificate.objects.none(), required=False,
                                         help_text="可在借出证照时再选择")
    applied_on = forms.DateField(label="申请日期", widget=DATE)

    def __init__(self, *args, cadres=None, certificates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "cadre")
        if certificates is not None:
            self.fields["certificate"].queryset = certificates
            self.fields["certificate"].label_from_instance = lambda c: (
                f"{c.cadre.name} {c.get_kind_display()} {c.number}（有效期至{c.expires_on:%Y-%m-%d}）")


class OpinionForm(forms.Form):
    replied_on = forms.DateField(label="答复日期", widget=DATE)
    result = forms.ChoiceField(label="意见", choices=OpinionResult.choices)
    note = forms.CharField(label="意见说明", required=False, max_length=1000)


class ApproveForm(forms.Form):
    decided_on = forms.DateField(label="审批日期", widget=DATE)
    decision_ref = forms.CharField(label="批复文号", required=False, max_length=100)


class RejectForm(forms.Form):
    decided_on = forms.DateField(label="审批日期", widget=DATE)
    reason = forms.CharField(label="审批意见", max_length=300)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=300)


class LendForm(PleaseChooseMixin, forms.Form):
    lent_on = forms.DateField(label="借出日期", widget=DATE)
    certificate = forms.ModelChoiceField(label="借出证照", queryset=Certificate.objects.none())

    def __init__(self, *args, certificates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if certificates is not None:
            self.fields["certificate"].queryset = certificates
            self.fields["certificate"].label_from_instance = lambda c: (
                f"{c.get_kind_display()} {c.number}（有效期至{c.expires_on:%Y-%m-%d}）")


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label="交回日期", widget=DATE)
    report = forms.CharField(label="回国（境）报告", widget=TEXT3, max_length=2000,
                             help_text="简要报告行程、是否按批准的国家（地区）和日期往返、有无其他情况")


class InvestigationForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=Cadre.objects.none(), widget=CadrePicker)
    kind = forms.ChoiceField(label="类别", choices=InvestigationKind.choices)
    authority = forms.CharField(label="办理机关", max_length=100, initial="县纪委监委")
    notice_ref = forms.CharField(label="通报文号", required=False, max_length=100)
    started_on = forms.DateField(label="立案日期", widget=DATE)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "cadre")


class InvestigationCloseForm(forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DATE)
    outcome = forms.CharField(label="结果", max_length=200)


class PersonalEventForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=Cadre.objects.none(), widget=CadrePicker)
    kind = forms.ChoiceField(label="事项类别", choices=EventKind.choices)
    party = forms.CharField(label="当事人及与本人关系", max_length=50, help_text="如：儿子 王某某")
    event_date = forms.DateField(label="举办日期", widget=DATE)
    venue = forms.CharField(label="举办地点", max_length=200)
    tables = forms.IntegerField(label="宴席桌数", min_value=0, max_value=999)
    guests = forms.IntegerField(label="邀请人数", min_value=0, max_value=99999)
    accepts_gifts = forms.BooleanField(label="收受礼金礼品", required=False)
    gift_scope = forms.CharField(label="收受范围", required=False, max_length=200, help_text="如：仅限亲属")
    reported_on = forms.DateField(label="报告日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=300)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "cadre")


class InspectionForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label="来源", choices=InspectionKind.choices)
    unit = forms.ModelChoiceField(label="被巡察单位", queryset=None, widget=FastSelect(label_field="name"))
    round_name = forms.CharField(label="巡察轮次", max_length=100, help_text="如：2026年县委第一轮巡察")
    team = forms.CharField(label="巡察组", required=False, max_length=100)
    feedback_on = forms.DateField(label="反馈日期", widget=DATE)
    feedback = forms.CharField(label="反馈意见摘要", widget=TEXT3)
    secretary = forms.ModelChoiceField(label="党组织书记", queryset=Cadre.objects.none(), required=False,
        widget=CadrePicker(params={"principal": "1"}))

    def __init__(self, *args, cadres=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "secretary")
        self.fields["unit"].queryset = units


class ItemForm(PleaseChooseMixin, CadreChoiceMixin, forms.Form):
    problem = forms.CharField(label="反馈问题", widget=TEXT3)
    rectification_required = forms.CharField(label="整改措施要求", widget=TEXT3)
    # among the inspected unit's few leaders
    owner_cadre = forms.ModelChoiceField(label="责任领导", queryset=Cadre.objects.none(), required=False)
    owner_name = forms.CharField(label="责任部门/责任人", required=False, max_length=100)
    start_date = forms.DateField(label="整改起算日期", required=False, widget=DATE, help_text="默认为反馈日期")
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE, help_text="默认为起算日期后60天，可修改")

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._cadres(cadres, "owner_cadre")


class JointReviewForm(forms.Form):
    held_on = forms.DateField(label="会审日期", widget=DATE)
    discipline_opinion = forms.CharField(label="纪委监委意见", widget=TEXT3)
    organization_opinion = forms.CharField(label="组织部意见", widget=TEXT3)
    inspection_office_opinion = forms.CharField(label="巡察办意见", widget=TEXT3)
    inspection_team_opinion = forms.CharField(label="巡察组意见", widget=TEXT3)
    secretary_answers = forms.CharField(label="党组织书记答询情况", widget=TEXT3)
    conclusion = forms.ChoiceField(label="会审结论", choices=ReviewConclusion.choices)


class AccountabilityForm(forms.Form):
    situations = forms.ModelMultipleChoiceField(label="问责情形", queryset=AccountabilitySituation.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    measure_kind = forms.ChoiceField(label="问责方式", choices=MeasureKind.choices)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    reason = forms.CharField(label="事实与理由", widget=TEXT3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situations"].queryset = AccountabilitySituation.objects.filter(active=True)


class CloseInspectionForm(forms.Form):
    closed_on = forms.DateField(label="整改完成日期", widget=DATE)
