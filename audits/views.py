"""Thin views: look up through `visible_to` (404 when not visible), check audits.permissions (403), call services."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audits import exports, permissions, planning, services, stats
from audits.filters import AuditFilter, FindingFilter
from audits.forms import (
    TRANSITION_FORMS,
    AuditCreateForm,
    AuditEditForm,
    ClassificationForm,
    EntryAddForm,
    EntryDecisionForm,
    FindingForm,
    PlanApproveForm,
    PlanCreateForm,
    PlanReturnForm,
    ResultForm,
    ResultVoidForm,
)
from audits.lists import audit_list_queryset, finding_list_queryset
from audits.models import (
    Audit,
    AuditPlan,
    AuditRules,
    AuditStatus,
    CategoryPolicy,
    EntryDecision,
    UnitClassification,
)
from cadres.models import Cadre
from core import audit as audit_log
from core import rectification, rectification_views
from core.excel import xlsx_response
from core.models import Unit, User
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal
from core.scoping import unit_options, visible_units
from core.transitions import ViewAction, dispatch

PAGE_SIZE = 30


def _require(request, allowed):
    if not allowed:
        deny(request)


# ---------------------------------------------------------------------------------------------------------------
# Audit projects


@office_required
def index(request):
    return redirect("audits:list")


@office_required
def audit_list(request):
    filterset = AuditFilter(request.GET, queryset=audit_list_queryset(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/audit_list.html", {
        "filter": filterset, "page": page, "can_edit": permissions.can_edit(request.user),
        "today": timezone.localdate()})


def _cadres_in_scope(user):
    return Cadre.objects.visible_to(user).select_related("unit").order_by("unit__path", "-is_principal", "name")


@office_required
def audit_create(request):
    _require(request, permissions.can_edit(request.user))
    cadres, units = _cadres_in_scope(request.user), visible_units(request.user)
    form = AuditCreateForm(request.POST or None, cadres=cadres, units=units,
                           initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.create_audit(
                year=data["year"], unit=data["unit"], cadres=list(data["cadres"]), kind=data["kind"],
                mode=data["mode"], period_start=data["period_start"], period_end=data["period_end"],
                auditing_body=data["auditing_body"], actor=request.user, request=request)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记审计项目 {audit.number}")
            return redirect(audit)
    return render(request, "audits/form.html", {"form": form, "title": "登记审计项目",
                                                "back": "audits:list"})


def _audit(request, code):
    return get_object_or_404(Audit.objects.visible_to(request.user).select_related("unit", "handler", "plan"),
                             code=code)


@office_required
def audit_detail(request, code):
    audit = _audit(request, code)
    today = timezone.localdate()
    findings = list(audit.findings.select_related("responsible_cadre").annotate(
        n_evidence=Count("evidence_files", filter=Q(evidence_files__voided_at__isnull=True))))
    results = list(audit.results.select_related("cadre", "measure"))
    subjects = audit.subjects.select_related("cadre__unit")
    can_edit = permissions.can_edit(request.user)
    machine = services.AUDIT_MACHINE
    actions = [(action, machine.label(action)) for action in machine.available(audit)] if can_edit else []
    return render(request, "audits/audit_detail.html", {
        "audit": audit, "subjects": subjects, "findings": findings, "today": today,
        "results": results, "can_edit": can_edit, "actions": actions,
        # the section the audit's status works on leads the page; the other folds into its summary line
        "current": {"findings": audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTED),
                    "results": audit.status == AuditStatus.RESULTS},
        "findings_line": _findings_line(findings), "results_line": _results_line(results),
        "result_form": ResultForm(cadres=Cadre.objects.filter(audit_subjects__audit=audit),
                                  initial={"date": today}),
        "can_add_results": can_edit and audit.status in services.RESULT_STATUSES,
        "can_void_results": permissions.can_void_result(request.user),
        "can_add_findings": can_edit and audit.is_open_for_findings,
    })


def _findings_line(findings):
    """问题5项：未整改2项、整改中1项、已整改1项 (the voided ones left out)."""
    kept = [f for f in findings if not f.voided_at]
    if not kept:
        return "尚未登记发现问题"
    counts = Counter(f.rectification_status for f in kept)
    return f"问题{len(kept)}项：" + "、".join(f"{label}{counts[status]}项" for status, label
                                           in rectification.RectificationStatus.choices if counts[status])


def _results_line(results):
    kept = [r for r in results if not r.voided_at]
    if not kept:
        return "尚未登记结果运用"
    return f"结果运用{len(kept)}项：" + "、".join(dict.fromkeys(r.get_kind_display() for r in kept))


def _handlers(user):
    return User.objects.filter(is_active=True, groups__name__in=permissions.EDITORS).distinct().order_by("username")


@office_required
def audit_edit(request, code):
    audit = _audit(request, code)
    _require(request, permissions.can_edit(request.user))
    form = AuditEditForm(request.POST or None, instance=Audit.objects.get(pk=audit.pk),
                         handlers=_handlers(request.user))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_audit(audit, actor=request.user, request=request, version=form.cleaned_data["version"],
                                  **values)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已保存")
            return redirect(audit)
    return render(request, "audits/form.html", {"form": form, "title": f"修改审计项目 {audit.number}",
                                                "back_url": audit.get_absolute_url()})


def _may_edit(user, obj):
    return permissions.can_edit(user)


def _step(action):
    """The page's action for an audit step: its form (TRANSITION_FORMS), then services.transition."""
    def run(audit, data, request):
        services.transition(audit, action, actor=request.user, request=request, **data)

    label = services.AUDIT_MACHINE.label(action)
    return ViewAction(TRANSITION_FORMS[action], run, _may_edit, label=label, success=f"{label}：已完成")


STEP_ACTIONS = {action: _step(action) for action in services.AUDIT_MACHINE.actions}


@office_required
def audit_transition(request, code, action):
    """A step's own page (GET: its form); the POST goes through core.transitions.dispatch."""
    audit = _audit(request, code)
    if action not in STEP_ACTIONS:
        raise Http404
    _require(request, permissions.can_edit(request.user))

    def page(form, refusal=None):
        if refusal is not None:
            show_refusal(request, refusal, form)
        return render(request, "audits/form.html", {
            "form": form, "title": f"{audit.number} · {STEP_ACTIONS[action].label}",
            "back_url": audit.get_absolute_url()})

    if request.method == "POST":
        return dispatch(request, audit, STEP_ACTIONS, action, on_error=page, prefix=False)
    today = timezone.localdate()
    return page(TRANSITION_FORMS[action](initial={"entry_date": today, "report_date": today,
                                                  "result_report_date": today}))


# ---------------------------------------------------------------------------------------------------------------
# Findings and rectification


@office_required
def finding_create(request, code):
    audit = _audit(request, code)
    _require(request, permissions.can_edit(request.user))
    cadres = Cadre.objects.filter(audit_subjects__audit=audit)
    form = FindingForm(request.POST or None, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.add_finding(audit, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记问题{finding.number}，整改期限{finding.rectification_deadline:%Y-%m-%d}")
            return redirect(finding)
    return render(request, "audits/form.html", {
        "form": form, "title": f"{audit.number} · 登记审计发现问题", "back_url": audit.get_absolute_url(),
        "help": f"整改期限默认为起算日期后{AuditRules.for_unit(audit.unit_id).rectification_days}天。"})


def _finding(request, code, finding_code):
    audit = _audit(request, code)
    finding = get_object_or_404(audit.findings.select_related("responsible_cadre"), code=finding_code)
    return audit, finding


# the page, progress, deadline, evidence and voiding: the views shared with every app tracking rectification
finding_views = rectification_views.ItemViews(
    lookup=_finding, can_edit=permissions.can_edit, void_item=services.void_finding, voided_message="已作废该问题",
    template="audits/finding_detail.html", names=("audit", "finding"))


@office_required
def finding_list(request):
    filterset = FindingFilter(request.GET, queryset=finding_list_queryset(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/finding_list.html", {"filter": filterset, "page": page,
                                                        "today": timezone.localdate()})


# ---------------------------------------------------------------------------------------------------------------
# Use of results


@office_required
@require_POST
def result_create(request, code):
    audit = _audit(request, code)
    _require(request, permissions.can_edit(request.user))
    form = ResultForm(request.POST, cadres=Cadre.objects.filter(audit_subjects__audit=audit))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(audit)
    data = form.cleaned_data
    try:
        result = services.record_result(audit, data["cadre"], kind=data["kind"], date=data["date"],
                                        reason=data["reason"], actor=request.user, request=request)
    except Refused as error:
        show_refusal(request, error)
    else:
        extra = "，已同步记入干部监督措施" if result.measure_id else ""
        messages.success(request, f"已登记结果运用：{result}{extra}")
    return redirect(audit)


@office_required
def result_void(request, code, result_code):
    audit = _audit(request, code)
    result = get_object_or_404(audit.results.select_related("cadre", "measure"), code=result_code)
    _require(request, permissions.can_void_result(request.user))
    if result.is_void:
        messages.error(request, "该结果运用已作废")
        return redirect(audit)
    form = ResultVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_result(result, form.cleaned_data["reason"], actor=request.user, request=request)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            extra = "，其记入的干部监督措施已同时作废" if result.measure_id else ""
            messages.success(request, f"已作废结果运用：{result}（记录保留）{extra}")
            return redirect(audit)
    intro = "结果运用不能删除；作废后仍保留在审计项目中，不再计入统计。"
    if result.measure_id and not result.measure.is_void:
        intro += f"登记时记入的干部监督措施（{result.measure.get_kind_display()}）将同时作废，不再计算影响期。"
    return render(request, "audits/form.html", {
        "form": form, "title": f"{audit.number} · 作废结果运用：{result}", "back_url": audit.get_absolute_url(),
        "help": intro, "submit": "作废"})


# ---------------------------------------------------------------------------------------------------------------
# Annual plan


def plan_scope(user):
    """The units a new plan covers: the user's jurisdiction, or the top of the tree."""
    if user.jurisdiction_id:
        return user.jurisdiction
    return Unit.objects.filter(parent__isnull=True).order_by("sort_order", "path").first()


@office_required
def plan_list(request):
    plans = (AuditPlan.objects.visible_to(request.user).select_related("unit")
             .annotate(n_accepted=Count("entries", filter=Q(entries__decision=EntryDecision.ACCEPTED)),
                       n_total=Count("entries")))
    can_edit = permissions.can_edit(request.user)
    form = PlanCreateForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST":
        _require(request, can_edit)
        if form.is_valid():
            scope = plan_scope(request.user)
            try:
                plan = services.create_plan(form.cleaned_data["year"], scope, actor=request.user, request=request)
            except Refused as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, f"已生成{plan}（草稿），请逐一确定建议对象")
                return redirect(plan)
    return render(request, "audits/plan_list.html", {"plans": plans, "form": form, "can_edit": can_edit})


def _plan(request, code):
    return get_object_or_404(AuditPlan.objects.visible_to(request.user).select_related("unit"), code=code)


@office_required
def plan_detail(request, code):
    plan = _plan(request, code)
    entries = list(plan.entries.select_related("cadre", "unit", "decided_by", "audit"))
    groups = [(decision, [e for e in entries if e.decision == decision]) for decision in
              (EntryDecision.PROPOSED, EntryDecision.ACCEPTED, EntryDecision.DROPPED)]
    can_edit = permissions.can_edit(request.user) and not plan.is_frozen
    context = {"plan": plan, "groups": groups, "can_edit": can_edit, "entry_count": len(entries),
               "can_approve": permissions.can_approve_plan(request.user) and not plan.is_frozen,
               "approve_form": PlanApproveForm(initial={"approved_on": timezone.localdate()}),
               "return_form": PlanReturnForm()}
    if can_edit:
        present = {e.cadre_id for e in entries}
        context["not_due"] = [p for p in planning.suggest(plan.year, plan.unit)
                              if not p.due and p.cadre.pk not in present]
        context["add_form"] = EntryAddForm(cadres=_cadres_in_scope(request.user).filter(
            unit__path__startswith=plan.unit.path).exclude(pk__in=present), unit=plan.unit)
    return render(request, "audits/plan_detail.html", context)


def _plan_action(request, plan, run):
    try:
        message = run()
    except Refused as error:
        show_refusal(request, error)
    else:
        if message:
            messages.success(request, message)
    return redirect(plan)


@office_required
@require_POST
def entry_decide(request, code, entry_code):
    plan = _plan(request, code)
    entry = get_object_or_404(plan.entries.select_related("plan", "cadre", "unit"), code=entry_code)
    _require(request, permissions.can_edit(request.user))
    form = EntryDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "无效的处理方式")
        return redirect(plan)
    def run():
        services.decide_entry(entry, form.cleaned_data["decision"], form.cleaned_data["note"], actor=request.user,
                              request=request)

    return _plan_action(request, plan, run)


@office_required
@require_POST
def entry_add(request, code):
    plan = _plan(request, code)
    _require(request, permissions.can_edit(request.user))
    form = EntryAddForm(request.POST, cadres=_cadres_in_scope(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(plan)
    data = form.cleaned_data

    def run():
        entry = services.add_entry(plan, data["cadre"], kind=data["kind"], mode=data["mode"], reason=data["reason"],
                                   actor=request.user, request=request)
        return f"已添加：{entry}"

    return _plan_action(request, plan, run)


@office_required
@require_POST
def plan_refresh(request, code):
    plan = _plan(request, code)
    _require(request, permissions.can_edit(request.user))
    def run():
        return f"新增建议对象{services.refresh_suggestion(plan, actor=request.user, request=request)}个"

    return _plan_action(request, plan, run)


def _plan_status(action, form, allowed, success):
    def run(plan, data, request):
        services.change_plan_status(plan, action, actor=request.user, request=request, **data)

    return ViewAction(form, run, allowed, label=services.PLAN_MACHINE.label(action), success=success)


PLAN_ACTIONS = {
    "submit": _plan_status("submit", None, _may_edit, "已报审计委员会"),
    "return": _plan_status("return", PlanReturnForm, _may_edit, "已退回修改"),
    "approve": _plan_status("approve", PlanApproveForm, lambda user, plan: permissions.can_approve_plan(user),
                            "已登记批准，计划已冻结并生成审计项目"),
}


@office_required
@require_POST
def plan_status(request, code, action):
    return dispatch(request, _plan(request, code), PLAN_ACTIONS, action, prefix=False)


@office_required
def plan_export(request, code):
    plan = _plan(request, code)
    organization = request.user.unit.name if request.user.unit_id else ""
    content = exports.plan_workbook(plan, organization=organization)
    audit_log.record_request(request, audit_log.Action.EXPORT, "audits.plan.exported", plan,
                             summary=f"导出{plan}（{plan.get_status_display()}）")
    return xlsx_response(content, f"{plan.year}年度经济责任审计计划.xlsx")


# ---------------------------------------------------------------------------------------------------------------
# Classification and summary


@office_required
def classification_list(request):
    units = visible_units(request.user).select_related("audit_classification").annotate(
        has_principal=Exists(Cadre.objects.filter(unit=OuterRef("pk"), is_principal=True)))
    show = request.GET.get("show", "")
    if show == "classified":
        units = units.filter(audit_classification__isnull=False)
    elif show == "unclassified":
        units = units.filter(audit_classification__isnull=True)
    principals = {}
    for cadre in Cadre.objects.visible_to(request.user).filter(is_principal=True).only("name", "unit_id"):
        principals.setdefault(cadre.unit_id, []).append(cadre.name)
    rows = [(unit, getattr(unit, "audit_classification", None), "、".join(principals.get(unit.pk, [])))
            for unit in units]
    return render(request, "audits/classification_list.html", {
        "rows": rows, "policies": CategoryPolicy.objects.all(), "show": show,
        "can_edit": permissions.can_classify(request.user)})


@office_required
def classification_edit(request, unit_code):
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    _require(request, permissions.can_classify(request.user))
    current = UnitClassification.objects.filter(unit=unit).first()
    initial = ({"category": current.category, "mode": current.mode, "basis": current.basis,
                "is_subject": current.is_subject} if current else {"is_subject": True})
    form = ClassificationForm(request.POST or None, initial=initial, version=current.version if current else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.classify_unit(unit, actor=request.user, request=request, **data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已保存{unit}的审计对象分类")
            return redirect("audits:classification_list")
    changes = current.changes.select_related("changed_by") if current else []
    return render(request, "audits/classification_edit.html", {"unit": unit, "form": form, "current": current,
                                                               "changes": changes})


@office_required
def summary(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    unit = None
    if request.GET.get("unit"):
        unit = visible_units(request.user).filter(code=request.GET["unit"]).first()
    result = stats.summary(year, unit=unit, user=request.user)
    return render(request, "audits/summary.html", {
        "year": year, "years": stats.year_range(today), "summary": result, "unit": unit,
        "units": unit_options(request.user, unit and unit.code), "statuses": rectification.RectificationStatus.choices})
