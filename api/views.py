"""The API's endpoints: thin, like the pages' views. Each looks up through `visible_to` of the client's service
account, calls the same service functions as the page, and answers with the serializers' shapes."""

import json

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api import examples, serializers
from api.access import client_of
from api.base import ApiView, Pages, idempotent
from api.models import Scope
from cadres.models import Cadre
from core.refusals import Refused
from core.scoping import visible_units
from dashboard import figures
from dashboard.periods import Period, default_period
from liaison import permissions as liaison_perms
from liaison import services as liaison_services
from liaison.models import Disposal, Report, ReportItem, parse_period
from matters import services as matter_services
from petitions import duplicates, identity
from petitions import forms as petition_forms
from petitions import services as petition_services

ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="输入有误：fields 列出每个出错的字段"),
    401: OpenApiResponse(serializers.ErrorSerializer, description="缺少或无效的接口密钥"),
    403: OpenApiResponse(serializers.ErrorSerializer, description="该客户端未获此接口的授权"),
    429: OpenApiResponse(serializers.ErrorSerializer, description="超过调用频率上限；Retry-After 头给出等待秒数"),
}
NOT_FOUND = {404: OpenApiResponse(serializers.ErrorSerializer,
                                  description="对象不存在或不属于本客户端（与页面一样为 404）")}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(serializers.ErrorSerializer,
                         description="状态不允许（已报送、已签收）或版本过期（changed 列出被他人修改的字段）"),
    413: OpenApiResponse(serializers.ErrorSerializer, description="请求体过大"),
    422: OpenApiResponse(serializers.ErrorSerializer, description="Idempotency-Key 已用于另一个请求"),
}
IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
                               description="每个写请求一个新值（如 UUID）；"
                                           "超时重试时沿用原值，返回首次结果且不重复创建")


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- liaison -----------------------------------------------------------------------------------------------------

def _member_unit(request):
    return client_of(request).member_unit


def _live_items(report_ids):
    disposals = Disposal.objects.order_by("decided_on", "id")
    return list(ReportItem.objects.filter(report_id__in=report_ids, voided_at__isnull=True)
                .select_related("report").prefetch_related(Prefetch("disposals", queryset=disposals))
                .order_by("occurred_on", "id"))


def _report_answer(report, urgent=()):
    report = Report.objects.select_related("member_unit__unit").get(pk=report.pk)
    context = {"items": _live_items([report.pk]), "urgent": list(urgent)}
    return serializers.ReportOutSerializer(report, context=context).data


class ReportListView(ApiView):
    scopes = {"GET": Scope.LIAISON_READ, "POST": Scope.LIAISON_WRITE}
    parser_classes = [JSONParser]

    @extend_schema(
        summary="本单位的通报列表", tags=["联席会议通报"], operation_id="liaison_reports_list",
        description="按月份从新到旧分页（同月按创建先后从新到旧）。",
        parameters=[OpenApiParameter("period", str, description="只看某月（YYYY-MM）"), *Pages.PARAMETERS],
        responses={200: serializers.ReportPageSerializer, **ERRORS})
    def get(self, request):
        # The id last: a unique order, so that a row is on exactly one page.
        reports = Report.objects.visible_to(request.user).order_by("-period", "-created_at", "-id")
        period = request.query_params.get("period")
        if period:
            month = parse_period(period) if serializers.PERIOD.match(period) else None
            if month is None:
                raise ValidationError({"period": ["月份格式应为 YYYY-MM，如 2026-10"]})
            reports = reports.filter(period=month)
        pages = Pages()
        page = pages.paginate_queryset(reports, request, self)
        return pages.get_paginated_response(serializers.ReportSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="报送月度通报（含零报告）", tags=["联席会议通报"], parameters=[IDEMPOTENCY],
        description=("为本单位某月新建并报送月度通报：nil 为 true 即零报告；否则 items 至少一个事项。"
                     "一把手相关事项（is_principal）与页面上一样，即时转为即时通报报送并提醒科室负责人和部领导。"
                     "该月通报已存在时返回 409（更正请用 PUT）。"),
        request=serializers.ReportInSerializer,
        responses={201: serializers.ReportOutSerializer, **WRITE_ERRORS},
        examples=[examples.NIL_REPORT, examples.TWO_ITEMS])
    def post(self, request):
        data = _valid(serializers.ReportInSerializer, request.data)
        return idempotent(request, lambda: (status.HTTP_201_CREATED, self._submit(request, data)))

    def _submit(self, request, data):
        actor, http = request.user, request._request
        try:
            report = liaison_services.create_report(_member_unit(request), parse_period(data["period"]),
                                                    actor=actor, request=http)
        except liaison_services.ReportExists as exists:
            raise Refused(f"{exists.report.period_label}月度通报已存在（编号 {exists.report.code}），更正请用 PUT",
                          field="period", code="exists") from None
        request.api_object = report
        urgent = self._add_items(request, report, data["items"])
        if data["nil"]:  # submit_nil refuses a report with items, as on the page
            report = liaison_services.submit_nil(report, actor=actor, nil_statement=data["nil_statement"],
                                                 version=report.version, request=http)
            return _report_answer(report)
        if data["remarks"]:
            report = liaison_services.update_report(report, actor=actor, is_nil=False, remarks=data["remarks"],
                                                    version=report.version, request=http)
        report = liaison_services.submit(report, actor=actor, request=http)
        return _report_answer(report, urgent)

    @staticmethod
    def _add_items(request, report, items):
        urgent = []
        for item in items:
            added = liaison_services.add_item(report, actor=request.user, request=request._request,
                                              **serializers.ItemInSerializer().fields_for_service(item))
            if added.report_id != report.pk:
                urgent.append(added.report.code)
        return urgent


class ReportDetailView(ApiView):
    scopes = {"GET": Scope.LIAISON_READ, "PUT": Scope.LIAISON_WRITE}
    parser_classes = [JSONParser]

    def _report(self, request, code):
        report = liaison_perms.get_report_or_404(request._request, code, Report.objects.select_related(
            "member_unit__unit"))
        request.api_object = report
        return report

    @extend_schema(summary="通报的状态及监督科对各事项的处置", tags=["联席会议通报"],
                   responses={200: serializers.ReportOutSerializer, **NOT_FOUND, **ERRORS})
    def get(self, request, code):
        return Response(_report_answer(self._report(request, code)))

    @extend_schema(
        summary="更正月度通报", tags=["联席会议通报"], parameters=[IDEMPOTENCY],
        description=("草稿或被退回的月度通报：按 items 更正并重新报送。带 code 的事项按其 version 修改，"
                     "不带 code 的新增，未列出的原有事项按 void_reason 删除。"
                     "version 过期返回 409 并列出被修改的字段。"),
        request=serializers.ReportCorrectionSerializer,
        responses={200: serializers.ReportOutSerializer, **NOT_FOUND, **WRITE_ERRORS},
        examples=[examples.CORRECTION])
    def put(self, request, code):
        report = self._report(request, code)
        data = _valid(serializers.ReportCorrectionSerializer, request.data)
        return idempotent(request, lambda: (status.HTTP_200_OK, self._correct(request, report, data)))

    def _correct(self, request, report, data):
        actor, http = request.user, request._request
        if report.kind != Report.Kind.MONTHLY:
            raise Refused("即时通报报送后不能通过接口更正", code="state")
        if liaison_perms.can_reopen(actor, report):
            report = liaison_services.reopen(report, actor=actor, request=http)
        elif not liaison_perms.can_edit(actor, report):
            raise Refused(f"通报{report.get_status_display()}，不能更正；被监督科退回后方可更正", code="state")
        live = {str(item.code): item for item in report.items.filter(voided_at__isnull=True)}
        wanted = {str(item["code"]) for item in data["items"] if item.get("code")}
        unknown = sorted(wanted - set(live))
        if unknown:
            raise ValidationError({"items": [f"事项不存在或已删除：{code}" for code in unknown]})
        for item_code in sorted(set(live) - wanted):
            liaison_services.void_item(live[item_code], actor=actor, reason=data["void_reason"], request=http)
        report = liaison_services.update_report(report, actor=actor, is_nil=data["nil"],
                                                nil_statement=data["nil_statement"], remarks=data["remarks"],
                                                version=data["version"], request=http)
        urgent = []
        for item in data["items"]:
            fields = serializers.ItemInSerializer().fields_for_service(item)
            if item.get("code"):
                saved = liaison_services.update_item(live[str(item["code"])], actor=actor, request=http,
                                                     version=item.get("version"), **fields)
            else:
                saved = liaison_services.add_item(report, actor=actor, request=http, **fields)
            if saved.report_id != report.pk:
                urgent.append(saved.report.code)
        report = liaison_services.submit(report, actor=actor, request=http)
        return _report_answer(report, urgent)


class UrgentReportView(ApiView):
    scopes = {"POST": Scope.LIAISON_WRITE}
    parser_classes = [JSONParser]

    @extend_schema(summary="报送即时通报（一把手相关事项）", tags=["联席会议通报"], parameters=[IDEMPOTENCY],
                   request=serializers.UrgentInSerializer,
                   responses={201: serializers.ReportOutSerializer, **WRITE_ERRORS}, examples=[examples.URGENT])
    def post(self, request):
        data = _valid(serializers.UrgentInSerializer, request.data)

        def run():
            report = liaison_services.send_urgent(_member_unit(request), actor=request.user,
                                                  request=request._request, is_principal=True, **data)
            request.api_object = report
            return status.HTTP_201_CREATED, _report_answer(report)

        return idempotent(request, run)


# --- petitions (12380 intake) ------------------------------------------------------------------------------------

class PetitionIntakeView(ApiView):
    scopes = {"POST": Scope.PETITIONS_WRITE}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="登记12380举报", tags=["12380 受理"], parameters=[IDEMPOTENCY],
        description=("与页面“受理登记”相同：被反映人按身份证号或姓名+单位匹配干部（未匹配的按暂未匹配登记），"
                     "实名举报人的身份与页面一样加密保存。附件用 multipart/form-data 上传："
                     "JSON 放在 payload 字段，文件放在 attachments。返回案件编号、查询码和查重结果。"),
        request={"application/json": serializers.PetitionInSerializer,
                 "multipart/form-data": serializers.PetitionMultipartSerializer},
        responses={201: serializers.PetitionOutSerializer, **WRITE_ERRORS}, examples=[examples.PETITION])
    def post(self, request):
        payload, files = self._payload(request)
        data = _valid(serializers.PetitionInSerializer, payload)
        return idempotent(request, lambda: (status.HTTP_201_CREATED, self._register(request, data, files)))

    @staticmethod
    def _payload(request):
        if not request.content_type.startswith("multipart/"):
            return request.data, []
        try:
            payload = json.loads(request.data.get("payload") or "")
        except (TypeError, ValueError):
            raise ValidationError({"payload": ["须为 JSON 文本"]}) from None
        if not isinstance(payload, dict):
            raise ValidationError({"payload": ["须为 JSON 对象"]})
        files = request.FILES.getlist("attachments")
        if len(files) > 10:
            raise ValidationError({"attachments": ["一次最多上传 10 个附件"]})
        return payload, files

    def _register(self, request, data, files):
        user = request.user
        cadres, unmatched = _match_subjects(user, data["subjects"])
        form = petition_forms.RegisterForm(_form_data(data, cadres, unmatched, user), user=user)
        if not form.is_valid():  # the page's own checks (informant ID number, named reports' contact)
            raise ValidationError(_form_errors(form))
        cleaned = form.cleaned_data
        reporter = identity.Reporter(cleaned["reporter_name"], cleaned["reporter_id_number"],
                                     cleaned["reporter_phone"], cleaned["reporter_address"]) \
            if cleaned["is_named"] else None
        petition = petition_services.register(
            actor=user, received_on=cleaned["received_on"], channel=cleaned["channel"],
            case_type=cleaned["case_type"], is_named=cleaned["is_named"], summary=cleaned["summary"],
            categories=cleaned["categories"], unit=cleaned["unit"], full_text=cleaned["full_text"],
            clues_specific=cleaned["clues_specific"], cadres=cleaned["cadres"], unmatched=cleaned["unmatched"],
            reporter=reporter, attachments=files, request=request._request)
        request.api_object = petition
        found = duplicates.for_petition(petition, user)
        return serializers.PetitionOutSerializer({
            "code": petition.code, "query_code": petition.query_code, "status": petition.status,
            "matched_subjects": len(cadres),
            "duplicates": [{"code": c.petition.code, "reasons": list(c.reasons)} for c in found],
        }).data


def _match_subjects(user, subjects):
    """被反映人: by ID number among the cadres the client may see, else by name and unit; unmatched otherwise."""
    visible = Cadre.objects.visible_to(user).select_related("unit")
    cadres, unmatched, errors = [], [], {}
    for index, subject in enumerate(subjects):
        id_number = subject["id_number"].strip().upper()
        if id_number:
            cadre = visible.filter(id_number=id_number).first()
            if cadre is None:
                errors[f"subjects.{index}.id_number"] = ["未找到该身份证号的干部；可改按姓名和单位填写"]
            else:
                cadres.append(cadre)
            continue
        name, unit = subject["name"].strip(), subject["unit"].strip()
        same = list(visible.filter(Q(unit__name=unit) | Q(unit__short_name=unit), name=name)[:2]) if unit else []
        if len(same) == 1:
            cadres.append(same[0])
        else:
            unmatched.append((name, unit, subject["post_title"].strip()))
    if errors:
        raise ValidationError(errors)
    return cadres, unmatched


def _form_data(data, cadres, unmatched, user):
    reporter = data.get("reporter") or {}
    unit = None
    if data["unit"]:
        unit = visible_units(user).filter(code=data["unit"]).values_list("pk", flat=True).first()
        if unit is None:
            raise ValidationError({"unit": ["未找到该单位代码"]})
    return {
        "received_on": data["received_on"], "channel": data["channel"], "case_type": data["case_type"],
        "is_named": "1" if data["is_named"] else "0",
        **{f"reporter_{key}": reporter.get(key, "") for key in ("name", "id_number", "phone", "address")},
        "cadres": [cadre.pk for cadre in cadres],
        "unmatched": "\n".join("，".join(part.replace(",", " ").replace("，", " ") for part in row)
                               for row in unmatched),
        "unit": unit or "", "categories": data["categories"], "summary": data["summary"],
        "full_text": data["full_text"], "clues_specific": data["clues_specific"],
    }


# The page's form field names → the API's.
FORM_FIELDS = {"reporter_name": "reporter.name", "reporter_id_number": "reporter.id_number",
               "reporter_phone": "reporter.phone", "reporter_address": "reporter.address", "cadres": "subjects",
               "unmatched": "subjects", "__all__": "non_field_errors"}


def _form_errors(form):
    errors = {}
    for name, messages in form.errors.items():
        errors.setdefault(FORM_FIELDS.get(name, name), []).extend(messages)
    return errors


# --- exit-entry records (公安) -------------------------------------------------------------------------------------

class CrossingView(ApiView):
    scopes = {"POST": Scope.MATTERS_WRITE}
    parser_classes = [JSONParser]

    @extend_schema(
        summary="报送出入境记录（公安）", tags=["出入境"], parameters=[IDEMPOTENCY],
        description=("已登记备案干部的一条出入境记录：与已批准的因私出国（境）申请比对；无对应审批的记入预警"
                     "“出入境记录无对应审批”。同一记录重复报送只保存一次（created 为 false）。"),
        request=serializers.CrossingInSerializer,
        responses={201: serializers.CrossingOutSerializer, 200: serializers.CrossingOutSerializer, **WRITE_ERRORS},
        examples=[examples.CROSSING])
    def post(self, request):
        data = _valid(serializers.CrossingInSerializer, request.data)

        def run():
            crossing, created = matter_services.record_crossing(actor=request.user, request=request._request, **data)
            request.api_object = crossing
            application = crossing.application
            answer = {"code": crossing.code, "created": created, "matched": application is not None,
                      "application": application.number if application else None}
            return (status.HTTP_201_CREATED if created else status.HTTP_200_OK,
                    serializers.CrossingOutSerializer(answer).data)

        return idempotent(request, run)


# --- statistics --------------------------------------------------------------------------------------------------

class StatsView(ApiView):
    scopes = {"GET": Scope.STATS_READ}

    @extend_schema(
        summary="监督态势统计（与领导看板相同的数字）", tags=["统计"],
        parameters=[OpenApiParameter("period", str, description="2026、2026-Q4 或 2026-10；默认今年"),
                    OpenApiParameter("unit", str, description="单位代码；默认客户端的整个管辖范围")],
        responses={200: serializers.StatsOutSerializer, **NOT_FOUND, **ERRORS})
    def get(self, request):
        today = timezone.localdate()
        text = request.query_params.get("period")
        period = Period.parse(text) if text else default_period(today)
        if period is None:
            raise ValidationError({"period": ["期间格式应为 2026、2026-Q4 或 2026-10"]})
        unit = None
        if request.query_params.get("unit"):
            unit = get_object_or_404(visible_units(request.user), code=request.query_params["unit"])
        board = figures.build(request.user, period, unit, today, charts=False, regions=False)  # sections only
        return Response(serializers.StatsOutSerializer({
            "period": period.key, "period_label": period.label, "unit": unit.code if unit else None,
            "sections": [{"key": s.key, "title": s.title, "figures": s.figures, "details": s.details}
                         for s in board.sections],
        }).data)

