from decimal import Decimal

from django import forms
from django.utils import timezone

from cadres.models import Cadre, Rank
from cadres.widgets import CadrePicker
from core import roles, uploads
from core.forms import PleaseChooseMixin
from core.models import User
from core.scoping import visible_units
from core.widgets import FastSelect
from vetting import posts
from vetting.models import (
    ArchiveProblem,
    ArchiveResult,
    Batch,
    Department,
    DisciplineConclusion,
    FeedbackChannel,
    FeedbackConclusion,
    MeetingKind,
    MoveKind,
    PersonalMattersResult,
    ProbationResult,
    PublicityOutcome,
    TalkBody,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, required=True, initial_today=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(),
                           initial=timezone.localdate if initial_today else None, **kwargs)


def text_area(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


SCORE = {"min_value": Decimal("0"), "max_value": Decimal("100"), "max_digits": 4, "decimal_places": 1}


class CaseForm(PleaseChooseMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="人选", queryset=Cadre.objects.none(), widget=CadrePicker)
    proposed_unit = forms.ModelChoiceField(label="拟任单位", queryset=None, widget=FastSelect(label_field="name"))
    proposed_title = forms.CharField(label="拟任职务", max_length=100)
    proposed_rank = forms.ChoiceField(label="拟任职级", choices=Rank.choices)
    move_kind = forms.ChoiceField(label="任用方式", choices=MoveKind.choices)
    is_principal_post = forms.BooleanField(label="党政正职（一把手）", required=False)
    is_elected_post = forms.BooleanField(label="选任制职务（经选举产生，不实行试用期）", required=False)
    batch = forms.ModelChoiceField(label="会议批次", queryset=None, required=False, to_field_name="code")
    handler = forms.ModelChoiceField(label="经办人", queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user).select_related("unit").exclude(user=user)
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.unit.display_name}{c.post_title}）"
        self.fields["proposed_unit"].queryset = visible_units(user)
        self.fields["batch"].queryset = Batch.objects.visible_to(user)
        self.fields["handler"].queryset = (User.objects.filter(is_active=True, groups__name__in=[
            roles.STAFF, roles.SECTION_HEAD]).distinct().order_by("username"))
        self.fields["handler"].initial = user.pk


class BatchForm(PleaseChooseMixin, forms.Form):
    unit = forms.ModelChoiceField(label="召开单位", queryset=None, widget=FastSelect(label_field="name"))
    kind = forms.ChoiceField(label="会议", choices=MeetingKind.choices)
    title = forms.CharField(label="名称", max_length=100)
    meeting_date = date_field("会议日期")
    note = text_area("备注", required=False, rows=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible_units(user)


class ReasonForm(forms.Form):
    reason = text_area("理由", max_length=2000)


class RecommendationForm(forms.Form):
    held_on = date_field("推荐日期")
    votes_cast = forms.IntegerField(label="有效票数", min_value=1)
    votes_for = forms.IntegerField(label="得票数", min_value=0)

    def clean(self):
        data = super().clean()
        if data.get("votes_cast") and data.get("votes_for") is not None and data["votes_for"] > data["votes_cast"]:
            self.add_error("votes_for", "得票数不能大于有效票数")
        return data


class ArchiveForm(forms.Form):
    reviewed_on = date_field("审核日期")
    result = forms.ChoiceField(label="审核结果", choices=ArchiveResult.choices)
    problems = forms.MultipleChoiceField(label="问题类别", choices=ArchiveProblem.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    findings = text_area("发现的问题及认定情况", required=False)

    def clean(self):
        data = super().clean()
        if data.get("result") and data["result"] != ArchiveResult.CLEAR:
            if not data.get("problems"):
                self.add_error("problems", "请选择问题类别")
            if not data.get("findings"):
                self.add_error("findings", "请写明发现的问题及认定情况")
        return data


class PersonalMattersForm(forms.Form):
    checked_on = date_field("查核日期")
    result = forms.ChoiceField(label="查核结果", choices=PersonalMattersResult.choices)
    verification_ref = forms.CharField(label="查核记录编号", max_length=64, required=False)
    notes = text_area("说明", required=False, rows=2)


class DisciplineRequestForm(forms.Form):
    requested_on = date_field("发函日期")


class DisciplineReplyForm(forms.Form):
    replied_on = date_field("回复日期")
    conclusion = forms.ChoiceField(label="意见", choices=DisciplineConclusion.choices)
    reply = text_area("回复内容", required=False)


class PetitionCheckForm(forms.Form):
    checked_on = date_field("核查日期")
    conclusion = text_area("核查结论")


class OpinionRequestForm(forms.Form):
    department = forms.ChoiceField(label="部门", choices=Department.choices)
    department_name = forms.CharField(label="部门名称（其他）", max_length=60, required=False)
    requested_on = date_field("发函日期")


class OpinionReplyForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    replied_on = date_field("回复日期")
    reply = text_area("回复内容", rows=2)


class ExamForm(forms.Form):
    exam_date = date_field("考试日期")
    score_party_rules = forms.DecimalField(label="党章党规", **SCORE)
    score_law = forms.DecimalField(label="宪法法律", **SCORE)
    score_integrity = forms.DecimalField(label="廉政知识", **SCORE)


class PublicityStartForm(forms.Form):
    start_date = date_field("公示开始")
    end_date = date_field("公示结束", required=False, initial_today=False,
                          help_text="不填则为开始日期后第5个工作日；不得早于该日")
    scope = forms.CharField(label="公示范围/方式", max_length=200, required=False)


class FeedbackForm(forms.Form):
    received_on = date_field("收到日期")
    channel = forms.ChoiceField(label="渠道", choices=FeedbackChannel.choices)
    content = text_area("反映内容", help_text="只记录反映的问题，不记录反映人身份")


class FeedbackVerifyForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    conclusion = forms.ChoiceField(label="核查结论", choices=FeedbackConclusion.choices)
    verification = text_area("核查情况", rows=2)
    verified_on = date_field("核查日期")


class PublicityDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="公示结果", choices=PublicityOutcome.choices)
    note = text_area("说明", required=False, rows=2, help_text="暂缓任职、不予任职须写明理由")
    decided_on = date_field("认定日期")


PLEDGE_MAX_BYTES = 10 * 1024 * 1024


class TalkForm(forms.Form):
    talk_date = date_field("谈话日期")
    bodies = forms.MultipleChoiceField(label="谈话主体", choices=TalkBody.choices, widget=forms.CheckboxSelectMultiple)
    talkers = forms.CharField(label="谈话人（姓名及职务）", max_length=200)
    key_points = text_area("谈话要点")
    pledge = forms.FileField(label="廉政承诺书（签字扫描件，PDF/JPG/PNG）", required=False)

    def clean_pledge(self):
        pledge = self.cleaned_data.get("pledge")
        if pledge is None:
            return None
        # By content, not by the file name (a renamed program is refused).
        uploads.check_upload(pledge, allowed=(uploads.PDF, uploads.JPEG, uploads.PNG), max_bytes=PLEDGE_MAX_BYTES)
        return pledge


class AppointForm(forms.Form):
    appointed_on = date_field("任职日期")
    document_no = forms.CharField(label="任职文号", max_length=100, required=False)


class ProbationForm(PleaseChooseMixin, forms.Form):
    """试用期考核; for 不胜任 also the work arranged after the trial post is removed, offered at the post held before
    the trial (from the position history)."""

    result = forms.ChoiceField(label="试用期考核", choices=ProbationResult.choices)
    assessed_on = date_field("考核日期")
    note = text_area("考核情况")
    arranged_unit = forms.ModelChoiceField(label="不胜任时安排单位", queryset=None, required=False,
                                           widget=FastSelect(label_field="name"),
                                           help_text="不胜任的，免去试任职务，按照不低于试任前职级安排工作；"
                                                     "默认为试任前职务，自考核日期起任职")
    arranged_title = forms.CharField(label="安排职务", max_length=100, required=False)
    arranged_rank = forms.ChoiceField(label="安排职级", choices=[("", "—")] + Rank.choices, required=False)

    def __init__(self, *args, case, user, **kwargs):
        before = posts.pre_trial_post(case) if getattr(case, "appointment", None) else None
        if before is not None:
            kwargs.setdefault("initial", {}).update(
                {"arranged_unit": before.unit_id, "arranged_title": before.post_title, "arranged_rank": before.rank})
        super().__init__(*args, **kwargs)
        self.fields["arranged_unit"].queryset = visible_units(user).filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("result") == ProbationResult.INCOMPETENT:
            for name in ("arranged_unit", "arranged_title", "arranged_rank"):
                if not data.get(name):
                    self.add_error(name, "试用期不胜任的，须填写安排的单位、职务和职级")
        else:
            data["arranged_unit"], data["arranged_title"], data["arranged_rank"] = None, "", ""
        return data
