"""Supervision measures (incl. 函询 delivery and reply), annual assessments and 述职述廉 of one cadre, and the ID
numbers of its family members."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from cadres import permissions, services
from cadres.dates import cn_date
from cadres.forms import (
    AssessmentForm,
    DutyReportForm,
    FamilyIdNumberForm,
    InquiryDeliveryForm,
    InquiryReplyForm,
    MeasureForm,
    VoidForm,
)
from cadres.models import MeasureKind
from cadres.views.common import back_to_profile, editable_cadre, form_page, record_page
from core import constraints
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal


@office_required
def measure_create(request, code):
    cadre = editable_cadre(request, code)
    initial = {"kind": request.GET.get("kind", "")} if request.GET.get("kind") in MeasureKind.values else {}
    form = MeasureForm(request.POST or None, cadre=cadre, initial=initial)

    def run(data):
        return services.record_measure(
            cadre, data["kind"], data["date"], data["reason"], actor=request.user, request=request,
            source_channel=data["source_channel"], delivered_on=data["delivered_on"], previous=data.get("previous"))

    return record_page(request, cadre, form, run, success=_measure_recorded, anchor="measures",
                       title=f"登记监督措施：{cadre.name}")


def _measure_recorded(measure):
    text = f"已登记{measure.get_kind_display()}"
    if measure.reply_due:
        text += f"，答复期限为{cn_date(measure.reply_due)}{'（暂定）' if measure.reply_due_provisional else ''}"
    return text


def _measure(request, code, measure_code):
    cadre = editable_cadre(request, code)
    return cadre, get_object_or_404(cadre.measures, code=measure_code)


@office_required
def inquiry_delivery(request, code, measure_code):
    cadre, measure = _measure(request, code, measure_code)
    form = InquiryDeliveryForm(request.POST or None, initial={"delivered_on": measure.delivered_on})
    return record_page(
        request, cadre, form,
        lambda data: services.record_inquiry_delivery(measure, data["delivered_on"], actor=request.user,
                                                      request=request),
        success=lambda delivered: (f"已登记送达，答复期限为{cn_date(delivered.reply_due)}"
                                   f"{'（暂定）' if delivered.reply_due_provisional else ''}"),
        anchor="measures", title=f"登记函询送达：{cadre.name}")


@office_required
def inquiry_reply(request, code, measure_code):
    cadre, measure = _measure(request, code, measure_code)
    form = InquiryReplyForm(request.POST or None)
    return record_page(
        request, cadre, form,
        lambda data: services.record_inquiry_reply(measure, data["replied_on"], data["reply"], actor=request.user,
                                                   request=request),
        success="已登记函询答复", anchor="measures", title=f"登记函询答复：{cadre.name}",
        intro=f"函询日期{measure.date:%Y-%m-%d}；事由：{measure.reason}")


@office_required
def measure_void(request, code, measure_code):
    cadre, measure = _measure(request, code, measure_code)
    form = VoidForm(request.POST or None)
    return record_page(
        request, cadre, form,
        lambda data: services.void_measure(measure, data["reason"], actor=request.user, request=request),
        success="已作废该监督措施（记录保留）", anchor="measures", title=f"作废监督措施：{measure}", submit="作废",
        intro="监督措施不能删除；作废后仍保留在档案中，不再计算影响期。")


@office_required
def assessment_create(request, code):
    cadre = editable_cadre(request, code)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with constraints.form_errors(form):
                assessment = services.record_assessment(
                    cadre, actor=request.user, request=request, year=data["year"], grade=data["grade"],
                    unfit_vote_share=data["unfit_vote_share"], note=data["note"])
        except Refused as error:
            show_refusal(request, error, form)
        if not form.errors:
            messages.success(request, f"已登记{data['year']}年度考核")
            if assessment.share_warning:
                messages.warning(request, assessment.share_warning)
            return back_to_profile(cadre, "assessments")
    return form_page(request, title=f"登记年度考核：{cadre.name}", form=form, cadre=cadre,
                     intro="同一年度重复登记将覆盖原记录。受到诫勉的当年不得评为优秀；试用期内只登记“不确定等次”。")


@office_required
def duty_report_create(request, code):
    cadre = editable_cadre(request, code)
    form = DutyReportForm(request.POST or None)
    return record_page(
        request, cadre, form,
        lambda data: services.record_duty_report(cadre, actor=request.user, request=request, year=data["year"],
                                                 reported_on=data["reported_on"], summary=data["summary"],
                                                 rating=data["rating"]),
        success=lambda report: f"已登记{report.year}年度述职述廉", anchor="assessments",
        title=f"登记述职述廉：{cadre.name}")


@office_required
def family_id_number(request, code):
    """家庭成员身份证号: for those who may both edit records and see family members; 任职回避 matches by it first."""
    cadre = editable_cadre(request, code)
    if not permissions.can_view_family(request.user):
        deny(request, "家庭成员")
    form = FamilyIdNumberForm(request.POST or None, cadre=cadre, full_id=permissions.can_view_full_id(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.set_family_id_number(form.cleaned_data["member"], form.cleaned_data["id_number"],
                                                   actor=request.user, request=request)
        except Refused as refusal:
            show_refusal(request, refusal, form)
        else:
            done = "登记" if member.id_number else "清除"
            messages.success(request, f"已{done}{member.relation}{member.name}的身份证号")
            return redirect("cadres:family_id_number", code=cadre.code)
    return form_page(request, title=f"家庭成员身份证号：{cadre.name}", form=form, cadre=cadre,
                     intro="任免审批表不含家庭成员身份证号，可在此补录；任职回避先按身份证号认定亲属，"
                           "未登记的再按姓名、出生年月和工作单位推断（疑似）。")
