"""因私出国（境）: registrations, certificates, applications with the joint review, lending and return, and the
立案审查调查 records that block applications. Thin views: `visible_to` (404), matters.permissions (403), services."""

import datetime

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.dates import add_months
from core import audit as audit_log
from core.excel import xlsx_response
from core.permissions import office_required
from core.refusals import Refused, show_form_errors, show_refusal
from core.transitions import ViewAction, dispatch
from matters import exports, permissions, services
from matters.filters import ApplicationFilter, CertificateFilter, RegistrationFilter
from matters.forms import (
    ApplicationForm,
    ApproveForm,
    CancelForm,
    CertificateForm,
    DateForm,
    InvestigationCloseForm,
    InvestigationForm,
    LendForm,
    OpinionForm,
    RegistrationForm,
    RejectForm,
    RemovalForm,
    ReturnForm,
    WithdrawForm,
)
from matters.lists import application_queryset, certificate_queryset, investigation_queryset, registration_queryset
from matters.models import (
    ApplicationStatus,
    Certificate,
    CertificateLoan,
    CertificateStatus,
    MattersRules,
    TravelApplication,
)
from matters.views.common import (
    cadres_in_scope,
    paginate,
    render_form,
    require_edit,
)

# ---------------------------------------------------------------------------------------------------------------
# Registrations (登记备案)


@office_required
def registration_list(request):
    filterset = RegistrationFilter(request.GET, queryset=registration_queryset(request.user), request=request)
    return render(request, "matters/registration_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "can_edit": permissions.can_edit(request.user),
        "left_statuses": services.LEFT_STATUSES, "tab": "registrations"})


@office_required
def registration_create(request):
    require_edit(request)
    form = RegistrationForm(request.POST or None, cadres=cadres_in_scope(request.user),
                            initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_cadre(data["cadre"], data["registered_on"], note=data["note"], actor=request.user,
                                    request=request)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记备案：{data['cadre'].name}")
            return redirect("matters:registration_list")
    return render_form(request, form, "出入境登记备案", "/matters/registrations/")


@office_required
def registration_remove(request, code):
    registration = get_object_or_404(registration_queryset(request.user), code=code)
    require_edit(request)
    form = RemovalForm(request.POST or None, initial={"removed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_registration(registration, form.cleaned_data["removed_on"], form.cleaned_data["reason"],
                                         actor=request.user, request=request)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已撤销备案：{registration.cadre.name}")
            return redirect("matters:registration_list")
    return render_form(request, form, f"撤销出入境登记备案：{registration.cadre.name}", "/matters/registrations/",
                       f"登记备案日期：{registration.registered_on:%Y-%m-%d}。干部离开管理范围时撤销备案，并告知公安出入境管理部门。")


# ---------------------------------------------------------------------------------------------------------------
# Certificates (证照管理)


def _flags_context(user):
    """The expiry window of the viewer's jurisdiction (a county user's county; the city's for the city)."""
    today = timezone.localdate()
    rules = MattersRules.for_unit(user.jurisdiction_id)
    return {"today": today, "expiry_limit": add_months(today, rules.expiry_notice_months), "rules": rules}


@office_required
def certificate_list(request):
    filterset = CertificateFilter(request.GET, queryset=certificate_queryset(request.user), request=request)
    return render(request, "matters/certificate_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "can_edit": permissions.can_edit(request.user),
        "tab": "certificates", **_flags_context(request.user)})


@office_required
def certificate_create(request):
    require_edit(request)
    rules = MattersRules.for_unit(request.user.jurisdiction_id)  # the viewer's jurisdiction's
    form = CertificateForm(request.POST or None, cadres=cadres_in_scope(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.add_certificate(data.pop("cadre"), actor=request.user, request=request, **data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记证照：{certificate}，{certificate.get_status_display()}")
            return redirect(certificate)
    return render_form(request, form, "登记出入境证照", "/matters/certificates/",
                       f"新领取的证照应在签发后{rules.handover_days}天内交组织部门集中保管。")


def _certificate(request, code):
    return get_object_or_404(Certificate.objects.visible_to(request.user).select_related("cadre__unit"), code=code)


@office_required
def certificate_detail(request, code):
    certificate = _certificate(request, code)
    audit_log.record_request(request, audit_log.Action.VIEW, "matters.certificate.viewed", certificate,
                             summary=f"查看证照：{certificate}")
    today = timezone.localdate()
    return render(request, "matters/certificate_detail.html", {
        "certificate": certificate, "tab": "certificates", **_flags_context(request.user),
        "loans": certificate.loans.select_related("application", "lent_by", "received_by"),
        "can_edit": permissions.can_edit(request.user),
        "expiring": services.expiring_soon(certificate, today),
        "handover_form": DateForm(initial={"date": today}), "cancel_form": CancelForm(initial={"date": today})})


def _may_edit(user, obj):
    return permissions.can_edit(user)


def _certificate_action(action, form, run):
    label = services.CERTIFICATE_MACHINE.label(action)
    return ViewAction(form, run, _may_edit, label=label, success=f"证照{label}：已完成")


CERTIFICATE_ACTIONS = {
    "hand_over": _certificate_action("hand_over", DateForm, lambda certificate, data, request: services.hand_over(
        certificate, data["date"], actor=request.user, request=request)),
    "cancel": _certificate_action("cancel", CancelForm, lambda certificate, data, request: services.cancel_certificate(
        certificate, data["date"], data["reason"], actor=request.user, request=request)),
}


@office_required
@require_POST
def certificate_action(request, code, action):
    return dispatch(request, _certificate(request, code), CERTIFICATE_ACTIONS, action, prefix=False)


@office_required
def reconciliation_export(request):
    """年度证照核对清单: every certificate held this year (cancelled ones only if cancelled this year)."""
    today = timezone.localdate()
    certificates = certificate_queryset(request.user).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=datetime.date(today.year, 1, 1)))
    content = exports.reconciliation_workbook(certificates, today, today.year)
    audit_log.record_request(request, audit_log.Action.EXPORT, "matters.certificate.reconciliation_exported",
                             summary=f"导出{today.year}年度证照核对清单（{certificates.count()}本）")
    return xlsx_response(content, f"{today.year}年度出入境证照核对清单.xlsx")


# ---------------------------------------------------------------------------------------------------------------
# Applications (因私出国（境）申请)


@office_required
def application_list(request):
    filterset = ApplicationFilter(request.GET, queryset=application_queryset(request.user), request=request)
    return render(request, "matters/application_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "can_edit": permissions.can_edit(request.user),
        "tab": "applications", "today": timezone.localdate()})


def _held_certificates(user):
    return (Certificate.objects.visible_to(user).exclude(status=CertificateStatus.CANCELLED)
            .select_related("cadre").order_by("cadre__name", "kind"))


@office_required
def application_create(request):
    require_edit(request)
    form = ApplicationForm(request.POST or None, cadres=cadres_in_scope(request.user),
                           certificates=_held_certificates(request.user),
                           initial={"applied_on": timezone.localdate()})
    blockers = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.create_application(data.pop("cadre"), actor=request.user, request=request, **data)
        except services.ApplicationBlocked as error:
            blockers = error.reasons
            form.add_error(None, "该干部当前不能办理因私出国（境），原因见下。")
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记申请{application.number}，已向四个部门征求联审意见")
            return redirect(application)
    rules = MattersRules.for_unit(request.user.jurisdiction_id)  # the viewer's jurisdiction's
    return render(request, "matters/application_form.html", {"form": form, "blockers": blockers, "rules": rules})


def _application(request, code):
    return get_object_or_404(TravelApplication.objects.visible_to(request.user)
                             .select_related("cadre__unit", "certificate", "created_by"), code=code)


@office_required
def application_detail(request, code):
    application = _application(request, code)
    today = timezone.localdate()
    can_edit = permissions.can_edit(request.user)
    opinions = list(application.opinions.select_related("recorded_by"))
    loan = CertificateLoan.objects.filter(application=application).select_related(
        "certificate", "lent_by", "received_by").first()
    context = {"application": application, "opinions": opinions, "loan": loan, "today": today,
               "can_edit": can_edit, "tab": "applications", "status": ApplicationStatus}
    if services.APPLICATION_MACHINE.allows(application.status, "withdraw"):
        context["blockers"] = services.travel_blockers(application.cadre, today)
    if can_edit:
        context.update({
            "opinion_forms": [(o, OpinionForm(prefix=o.department, initial={"replied_on": today}))
                              for o in opinions if not o.is_replied],
            "approve_form": ApproveForm(initial={"decided_on": today}),
            "reject_form": RejectForm(initial={"decided_on": today}), "withdraw_form": WithdrawForm(),
            "lend_form": LendForm(certificates=_lendable(application),
                                  initial={"lent_on": min(today, application.departs_on),
                                           "certificate": _default_certificate(application)}),
            "return_form": ReturnForm(initial={"returned_on": today}),
            "return_due": services.return_due(application.cadre, application.returns_on)})
    return render(request, "matters/application_detail.html", context)


def _lendable(application):
    return Certificate.objects.filter(cadre=application.cadre, status=CertificateStatus.IN_CUSTODY).order_by("kind")


def _default_certificate(application):
    """The certificate named in the application, else the cadre's only certificate in custody."""
    if application.certificate_id:
        return application.certificate_id
    ids = list(_lendable(application).values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


@office_required
@require_POST
def opinion_record(request, code, department):
    application = _application(request, code)
    opinion = get_object_or_404(application.opinions, department=department)
    record = ViewAction(
        OpinionForm, lambda application, data, request: services.record_opinion(
            application, opinion.department, replied_on=data["replied_on"], result=data["result"], note=data["note"],
            actor=request.user, request=request),
        _may_edit, label="记录意见", success=f"已记录{opinion.get_department_display()}意见")
    return dispatch(request, application, {department: record}, department)  # the form's prefix is the department


def _application_action(action, form, run):
    label = services.APPLICATION_MACHINE.label(action)
    return ViewAction(form, run, _may_edit, label=label, success=f"{label}：已完成")


APPLICATION_ACTIONS = {
    "approve": _application_action("approve", ApproveForm, lambda application, data, request: services.approve(
        application, decided_on=data["decided_on"], decision_ref=data["decision_ref"], actor=request.user,
        request=request)),
    "reject": _application_action("reject", RejectForm, lambda application, data, request: services.reject(
        application, decided_on=data["decided_on"], reason=data["reason"], actor=request.user, request=request)),
    "withdraw": _application_action("withdraw", WithdrawForm, lambda application, data, request: services.withdraw(
        application, reason=data["reason"], actor=request.user, request=request)),
}


@office_required
@require_POST
def application_action(request, code, action):
    return dispatch(request, _application(request, code), APPLICATION_ACTIONS, action, prefix=False)


def _returned(loan):
    late = loan.days_late(loan.returned_on)
    return "证照已交回入库" + (f"（逾期{late}天，已记入预警）" if late else "")


LOAN_ACTIONS = {
    "lend": ViewAction(
        LendForm, lambda application, data, request: services.lend_certificate(
            application, lent_on=data["lent_on"], certificate=data["certificate"], actor=request.user,
            request=request),
        _may_edit, label="借出证照", form_kwargs=lambda application, user: {"certificates": _lendable(application)},
        success=lambda loan: f"已借出{loan.certificate.get_kind_display()}，应于{loan.return_due:%Y-%m-%d}前交回"),
    "return": ViewAction(
        ReturnForm, lambda application, data, request: services.return_certificate(
            application, returned_on=data["returned_on"], report=data["report"], actor=request.user,
            request=request),
        _may_edit, label="交回证照", success=_returned),
}


@office_required
@require_POST
def loan_action(request, code, action):
    """An action of LOAN_ACTIONS (lend, return); each has its own address, and urls.py names the action."""
    return dispatch(request, _application(request, code), LOAN_ACTIONS, action, prefix=False)


# ---------------------------------------------------------------------------------------------------------------
# 立案审查调查 records


@office_required
def investigation_list(request):
    today = timezone.localdate()
    return render(request, "matters/investigation_list.html", {
        "page": paginate(request, investigation_queryset(request.user)), "tab": "investigations",
        "can_edit": permissions.can_edit(request.user), "close_form": InvestigationCloseForm(
            initial={"ended_on": today})})


@office_required
def investigation_create(request):
    require_edit(request)
    form = InvestigationForm(request.POST or None, cadres=cadres_in_scope(request.user),
                             initial={"started_on": timezone.localdate(), "authority": "县纪委监委"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_investigation(data.pop("cadre"), actor=request.user, request=request, **data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已登记立案审查调查信息")
            return redirect("matters:investigation_list")
    return render_form(request, form, "登记立案审查调查", "/matters/investigations/",
                       "根据纪检监察机关通报登记。立案期间，干部不能办理因私出国（境）。")


@office_required
@require_POST
def investigation_close(request, code):
    record = get_object_or_404(investigation_queryset(request.user), code=code)
    require_edit(request)
    form = InvestigationCloseForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            services.close_investigation(record, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"已登记结束：{record.cadre.name}")
    return redirect("matters:investigation_list")
