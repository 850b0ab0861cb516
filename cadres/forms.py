from django import forms
from django.utils import timezone

from cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    CadreSettings,
    CadreStatus,
    DutyIntegrityReport,
    DutyRating,
    MeasureKind,
    PersonalMattersReport,
    Rank,
    ReportKind,
    SourceChannel,
    SupervisionMeasure,
    VerificationResult,
)
from core.concurrency import VersionedFormMixin
from core.forms import PleaseChooseMixin, clean_not_future
from core.scoping import visible_units
from core.widgets import FastSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year + 1, this_year - 10, -1)]


class UnitChoiceMixin:
    def limit_units(self, user):
        self.fields["unit"].queryset = visible_units(user).filter(is_active=True)
        self.fields["unit"].label_from_instance = lambda unit: unit.name


class CadreForm(PleaseChooseMixin, UnitChoiceMixin, forms.ModelForm):
    """New cadre: the person and the current post (which becomes the first row of the position history)."""

    class Meta:
        model = Cadre
        fields = ["name", "gender", "ethnicity", "birth_date", "id_number", "native_place", "party_joined_on",
                  "education", "unit", "post_title", "rank", "is_principal", "post_since", "management_level",
                  "status", "reports_personal_matters"]
        widgets = {"birth_date": DateInput(), "party_joined_on": DateInput(), "post_since": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(user)

    def clean_birth_date(self):
        return clean_not_future(self.cleaned_data["birth_date"], "出生日期")

    def clean_post_since(self):
        return clean_not_future(self.cleaned_data["post_since"], "任现职时间")

    def clean_id_number(self):
        return (self.cleaned_data["id_number"] or "").strip().upper()


class CadreEditForm(PleaseChooseMixin, VersionedFormMixin, forms.ModelForm):
    """Basic facts only; the post changes through PostChangeForm so the history stays the one truth."""

    class Meta:
        model = Cadre
        fields = ["name", "gender", "ethnicity", "birth_date", "id_number", "native_place", "party_joined_on",
                  "education", "management_level", "status", "reports_personal_matters"]
        widgets = {"birth_date": DateInput(), "party_joined_on": DateInput()}

    def clean_birth_date(self):
        return clean_not_future(self.cleaned_data["birth_date"], "出生日期")

    def clean_id_number(self):
        return (self.cleaned_data["id_number"] or "").strip().upper()


class PostChangeForm(PleaseChooseMixin, UnitChoiceMixin, forms.Form):
    unit = forms.ModelChoiceField(label="新任单位", queryset=None, widget=FastSelect(label_field="name"))
    post_title = forms.CharField(label="职务", max_length=100)
    rank = forms.ChoiceField(label="职级", choices=Rank.choices)
    is_principal = forms.BooleanField(label="一把手", required=False)
    start_date = forms.DateField(label="任职时间", widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=[("", "不变"), *CadreStatus.choices], required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(user)

    def clean_start_date(self):
        return clean_not_future(self.cleaned_data["start_date"], "任职时间")


class MeasureForm(PleaseChooseMixin, forms.Form):
    kind = forms.ChoiceField(label="措施类别", choices=MeasureKind.choices)
    date = forms.DateField(label="日期", widget=DateInput())
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}))
    source_channel = forms.ChoiceField(label="来源", choices=SourceChannel.choices, initial=SourceChannel.OTHER)
    delivered_on = forms.DateField(label="送达日期", required=False, widget=DateInput(),
                                   help_text="仅函询：答复期限为送达后15个工作日")

    def __init__(self, *args, cadre=None, **kwargs):
        super().__init__(*args, **kwargs)
        settings = CadreSettings.for_unit(cadre.unit_id if cadre is not None else None)
        self.fields["delivered_on"].help_text = f"仅函询：答复期限为送达后{settings.inquiry_reply_working_days}个工作日"
        if cadre is not None:
            self.fields["previous"] = forms.ModelChoiceField(
                label="前次函询", required=False, empty_label="无（首次函询）",
                queryset=cadre.measures.filter(kind=MeasureKind.INQUIRY, voided_at__isnull=True),
                help_text="答复不清楚而再次函询时选择")

    def clean_date(self):
        return clean_not_future(self.cleaned_data["date"])

    def clean_delivered_on(self):
        delivered = self.cleaned_data["delivered_on"]
        return clean_not_future(delivered, "送达日期") if delivered else delivered

    def clean(self):
        data = super().clean()
        delivered, date = data.get("delivered_on"), data.get("date")
        if delivered and data.get("kind") != MeasureKind.INQUIRY:
            self.add_error("delivered_on", "只有函询需要填写送达日期")
        if delivered and date and delivered < date:
            self.add_error("delivered_on", "送达日期不能早于函询日期")
        if data.get("previous") and data.get("kind") != MeasureKind.INQUIRY:
            self.add_error("previous", "只有函询可以关联前次函询")
        return data


class InquiryDeliveryForm(forms.Form):
    delivered_on = forms.DateField(label="送达日期", widget=DateInput())

    def clean_delivered_on(self):
        return clean_not_future(self.cleaned_data["delivered_on"], "送达日期")


class InquiryReplyForm(forms.Form):
    replied_on = forms.DateField(label="答复日期", widget=DateInput())
    reply = forms.CharField(label="答复情况", widget=forms.Textarea(attrs={"rows": 4}))

    def clean_replied_on(self):
        return clean_not_future(self.cleaned_data["replied_on"], "答复日期")


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)


class FamilyIdNumberForm(forms.Form):
    """家庭成员身份证号 on the profile: the 任免审批表 has none; checked by cadres.services.set_family_id_number."""

    member = forms.ModelChoiceField(label="家庭成员", queryset=None, empty_label="请选择")
    id_number = forms.CharField(label="身份证号", max_length=18, required=False,
                                help_text="18 位公民身份号码；留空则清除已登记的号码")

    def __init__(self, *args, cadre, full_id, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = cadre.family_members.all()
        field.label_from_instance = lambda m: f"{m.relation} {m.name}" + (
            f"（已登记：{m.id_number if full_id else m.masked_id_number}）" if m.id_number else "")


class AssessmentForm(PleaseChooseMixin, forms.ModelForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=_year_choices)

    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade", "unfit_vote_share", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = AssessmentGrade.choices
        self.fields["year"].initial = timezone.localdate().year - 1


class DutyReportForm(PleaseChooseMixin, forms.ModelForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=_year_choices)

    class Meta:
        model = DutyIntegrityReport
        fields = ["year", "reported_on", "rating", "summary"]
        widgets = {"reported_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", "未测评"), *DutyRating.choices]
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_reported_on(self):
        return clean_not_future(self.cleaned_data["reported_on"], "述职日期")


class PersonalMattersReportForm(PleaseChooseMixin, forms.ModelForm):
    year = forms.TypedChoiceField(label="报告年度", coerce=int, choices=_year_choices)
    submitted_on = forms.DateField(label="报告日期", widget=DateInput())

    class Meta:
        model = PersonalMattersReport
        fields = ["year", "kind", "event_on", "submitted_on", "note"]
        widgets = {"event_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportKind.choices
        self.fields["year"].initial = timezone.localdate().year

    def clean_submitted_on(self):
        return clean_not_future(self.cleaned_data["submitted_on"], "报告日期")


class ExpectedReportForm(forms.Form):
    """登记应报事项: a 事项变化 or 新任 report the cadre owes."""

    kind = forms.ChoiceField(label="报告类型",
                             choices=[(k, v) for k, v in ReportKind.choices if k != ReportKind.ANNUAL])
    event_on = forms.DateField(label="事项发生日期", widget=DateInput(),
                               help_text="事项变化：变化发生之日；新任：任职之日")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        days = CadreSettings.for_unit(cadre.unit_id).change_report_days
        self.fields["event_on"].help_text += f"。应在{days}日内报告，到期前系统提醒"


class TargetedVerificationForm(forms.Form):
    year = forms.TypedChoiceField(label="查核年度", coerce=int, choices=_year_choices)
    reason = forms.CharField(label="查核原因", max_length=200,
                             help_text="如：拟提拔（凡提必核）、列为后备干部、调整到重要岗位、信访举报反映")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class VerificationResultForm(PleaseChooseMixin, forms.Form):
    result = forms.ChoiceField(label="查核结果", choices=VerificationResult.choices)
    verified_on = forms.DateField(label="查核完成日期", widget=DateInput())
    handling = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.ModelChoiceField(label="相应监督措施", required=False, queryset=SupervisionMeasure.objects.none(),
                                     empty_label="无", help_text="如已据此采取监督措施，请先登记措施再在此关联")

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = cadre.measures.filter(voided_at__isnull=True)

    def clean_verified_on(self):
        return clean_not_future(self.cleaned_data["verified_on"], "查核完成日期")


class DrawForm(forms.Form):
    """The seed is never typed: the system draws it (cadres.personal_matters.draw_random_sample)."""

    year = forms.TypedChoiceField(label="抽查年度", coerce=int, choices=_year_choices)
    percent = forms.DecimalField(label="抽查比例（%）", min_value=0.01, max_value=100, decimal_places=2)
    reason = forms.CharField(label="再次抽取理由", max_length=200, required=False,
                             help_text="本年度已抽取过的，仅科室负责人可再次抽取，须填写理由")

    def __init__(self, *args, jurisdiction=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["percent"].initial = CadreSettings.for_unit(jurisdiction).sample_percent  # the drawer's


class ImportForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx）")

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载模板）")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("文件不能超过5MB")
        return upload

