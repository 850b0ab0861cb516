"""Forms of the petitions app. Validation of input only: the rules of the workflow are in services/workflow."""

from django import forms
from django.utils import timezone

from cadres import idcard
from cadres.models import Cadre, MeasureKind
from cadres.widgets import CadrePicker
from core import roles
from core.forms import PleaseChooseMixin
from core.models import User
from core.scoping import visible_units
from core.widgets import FastSelect
from petitions.models import (
    CaseType,
    Channel,
    Conclusion,
    Disposal,
    FeedbackMethod,
    ProblemCategory,
    ReviewOutcome,
)

DATE = forms.DateInput(attrs={"type": "date"})


class CadreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, cadre):
        return f"{cadre.name}（{cadre.unit.display_name} {cadre.post_title}）"


class RegisterForm(PleaseChooseMixin, forms.Form):
    received_on = forms.DateField(label="收件日期", widget=DATE, initial=timezone.localdate)
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices)
    case_type = forms.ChoiceField(label="件别", choices=CaseType.choices, initial=CaseType.ACCUSATION,
                                  help_text="检举控告按工作日计算时限；信访事项（建议意见、申诉求决）按自然日计算")
    is_named = forms.TypedChoiceField(label="实名/匿名", choices=[("1", "实名"), ("0", "匿名")],
                                      coerce=lambda value: value == "1", widget=forms.RadioSelect, initial="0")
    reporter_name = forms.CharField(label="举报人姓名", max_length=50, required=False)
    reporter_id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    reporter_address = forms.CharField(label="联系地址", max_length=200, required=False)
    cadres = CadreChoiceField(label="被反映干部", queryset=Cadre.objects.none(), required=False,
                              widget=CadrePicker(multiple=True))
    unmatched = forms.CharField(
        label="其他被反映人（暂未匹配）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一人：姓名，单位，职务。以后可在案件页面匹配到干部。")
    unit = forms.ModelChoiceField(label="涉及单位", queryset=None, required=False,
                                  widget=FastSelect(label_field="name"),
                                  help_text="不填则取第一名被反映干部的现任单位")
    categories = forms.MultipleChoiceField(label="问题类别", choices=ProblemCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label="内容摘要", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    full_text = forms.CharField(label="反映内容全文", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                help_text="举报人的姓名、电话等身份信息只填在上方“举报人”栏，不要写入正文。")
    clues_specific = forms.BooleanField(label="线索具体", required=False)
    attachment = forms.FileField(label="附件", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = Cadre.objects.visible_to(user).select_related("unit")
        self.fields["unit"].queryset = visible_units(user)

    def clean_reporter_id_number(self):
        value = self.cleaned_data["reporter_id_number"].strip().upper()
        if value:
            try:
                idcard.parse(value)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return value

    def clean_unmatched(self):
        people = []
        for line in self.cleaned_data["unmatched"].splitlines():
            parts = [part.strip() for part in line.replace(",", "，").split("，")]
            if parts and parts[0]:
                people.append({"name": parts[0][:50], "unit_text": (parts[1] if len(parts) > 1 else "")[:100],
                               "post_title": (parts[2] if len(parts) > 2 else "")[:100]})
        return people

    def clean(self):
        data = super().clean()
        reporter = [data.get(f"reporter_{key}") for key in ("name", "id_number", "phone", "address")]
        if data.get("is_named") and not (data.get("reporter_name") and (data.get("reporter_phone")
                                                                        or data.get("reporter_address"))):
            self.add_error("reporter_name", "实名举报请填写举报人姓名及联系电话或地址")
        if data.get("is_named") is False and any(reporter):
            self.add_error("is_named", "匿名举报不应填写举报人信息")
        if not data.get("cadres") and not data.get("unmatched"):
            self.add_error("cadres", "请至少填写一名被反映人")
        return data


def office_users():
    return (User.objects.filter(is_active=True, groups__name__in=[roles.STAFF, roles.SECTION_HEAD])
            .distinct().order_by("username"))


class HandlerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class ProposeForm(forms.Form):
    disposal = forms.ChoiceField(label="拟办方式", choices=Disposal.choices)
    reason = forms.CharField(label="拟办理由", widget=forms.Textarea(attrs={"rows": 3}))
    transfer_to = forms.CharField(label="转办单位", max_length=100, required=False)
    transfer_reply_due = forms.DateField(label="转办回复期限", widget=DATE, required=False)
    joint_bodies = forms.CharField(label="联合查核单位", max_length=200, required=False)


class ApproveForm(forms.Form):
    note = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handlers = HandlerChoiceField(label="承办人（可调整）", queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = office_users()


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    handlers = HandlerChoiceField(label="承办人", queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = office_users()


class InvestigationForm(forms.Form):
    investigators = forms.CharField(label="查核人员", max_length=200)
    plan = forms.CharField(label="查核方案", widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=DATE, initial=timezone.localdate)
    interviewee = forms.CharField(label="谈话对象", max_length=100)
    place = forms.CharField(label="地点", max_length=100, required=False)
    content = forms.CharField(label="谈话要点", widget=forms.Textarea(attrs={"rows": 3}))


class FindingsForm(forms.Form):
    findings = forms.CharField(label="查核情况", widget=forms.Textarea(attrs={"rows": 4}))


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label="查核结论", choices=Conclusion.choices)
    note = forms.CharField(label="办结意见", widget=forms.Textarea(attrs={"rows": 3}))
    clear_name = forms.BooleanField(label="为被反映人澄清正名", required=False)
    clearing_note = forms.CharField(label="澄清正名情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    false_accusation = forms.BooleanField(label="属诬告陷害，移送纪检监察机关", required=False)
    false_accusation_note = forms.CharField(label="移送情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = [subject for subject in petition.subjects.all() if subject.cadre_id]
        for subject in self.subjects:
            self.fields[f"measure_{subject.pk}"] = forms.ChoiceField(
                label=f"对{subject.cadre.name}采取的措施", required=False,
                choices=[("", "（不采取措施）"), *MeasureKind.choices])

    def clean(self):
        cleaned = super().clean()
        cleaned["measures"] = self.measures()  # (cadre, kind) pairs, as services.conclude takes them
        return cleaned

    def measures(self):
        return [(subject.cadre, self.cleaned_data[f"measure_{subject.pk}"]) for subject in self.subjects
                if self.cleaned_data.get(f"measure_{subject.pk}")]


class TransferReplyForm(forms.Form):
    replied_on = forms.DateField(label="回复日期", widget=DATE, initial=timezone.localdate)
    content = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label="查核结论（如有）", choices=[("", "—"), *Conclusion.choices], required=False)


class AcceptanceNoticeForm(forms.Form):
    notified_on = forms.DateField(label="告知日期", widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label="告知方式", choices=FeedbackMethod.choices)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="延期天数", min_value=1)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    feedback_on = forms.DateField(label="反馈日期", widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label="反馈方式", choices=FeedbackMethod.choices)
    content = forms.CharField(label="反馈内容", widget=forms.Textarea(attrs={"rows": 3}))
    objection = forms.CharField(label="举报人意见（异议）", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewRequestForm(forms.Form):
    """复查 first, then 复核: the level follows from what the case already has (petitions.reviews)."""

    requested_on = forms.DateField(label="提出请求日期", widget=DATE, help_text="信访人提出请求之日（来信以邮戳为准）")
    received_on = forms.DateField(label="收到请求日期", widget=DATE, initial=timezone.localdate)
    reply_received_on = forms.DateField(label="收到原答复日期", widget=DATE, required=False,
                                        help_text="不填则按反馈日期（复核按复查答复日期）计算")
    record_late = forms.BooleanField(label="逾期登记为不予受理", required=False,
                                     help_text="超过30日请求期限的，勾选后登记为不予受理并写明理由")
    note = forms.CharField(label="说明", required=False, max_length=200)


class ReviewAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="复查（复核）意见", choices=ReviewOutcome.choices)
    answered_on = forms.DateField(label="书面答复日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))


class EmptyForm(forms.Form):
    pass


class DuplicateForm(forms.Form):
    main_code = forms.CharField(label="主案件编号", max_length=20)
    reason = forms.CharField(label="说明", required=False, max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)


class LinkSubjectForm(PleaseChooseMixin, forms.Form):
    subject = forms.TypedChoiceField(label="被反映人", coerce=int, choices=())
    cadre = forms.ModelChoiceField(label="匹配干部", queryset=Cadre.objects.none(), widget=CadrePicker)

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.pk, f"{s.name} {s.unit_text} {s.post_title}".strip())
                                          for s in petition.subjects.all() if not s.cadre_id]
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user).select_related("unit")


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200, min_length=2)


def _no_autofill(field):
    field.widget.attrs["autocomplete"] = "off"
    return field


class IdentityForm(forms.Form):
    """更正举报人信息, shown only on the identity page (the response to a reveal) to those who may see it."""

    reporter_name = _no_autofill(forms.CharField(label="举报人姓名", max_length=50))
    reporter_id_number = _no_autofill(forms.CharField(label="身份证号", max_length=18, required=False))
    reporter_phone = _no_autofill(forms.CharField(label="联系电话", max_length=30, required=False))
    reporter_address = _no_autofill(forms.CharField(label="联系地址", max_length=200, required=False))
    correction_reason = forms.CharField(label="更正原因", max_length=200, min_length=2,
                                        help_text="如：登记时电话号码录入有误。请勿在原因中填写举报人信息")

    clean_reporter_id_number = RegisterForm.clean_reporter_id_number

    def clean(self):
        data = super().clean()
        if data.get("reporter_name") and not (data.get("reporter_phone") or data.get("reporter_address")):
            self.add_error("reporter_phone", "请填写联系电话或联系地址")
        return data
