"""What every API view shares: key authentication, scopes, the client's rate limit, a bounded JSON body, one audit
event per call, and Idempotency-Key on writes."""

import hashlib
import json

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db import connection, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import ApiKeyAuthentication, ClientRateThrottle, HasScope, client_of
from api.errors import ApiError
from api.models import IdempotentAnswer
from core import audit

MAX_KEY_LENGTH = 100


def max_json_bytes():
    return getattr(settings, "API_MAX_JSON_BYTES", 1024 * 1024)


class Pages(PageNumberPagination):
    """Every list answers a page: `page` (from 1) and `page_size` (default 50, at most 200), with the total count
    and the links of the pages around it. The view orders its rows by a unique key, so pages never overlap."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    PARAMETERS = [
        OpenApiParameter("page", int, description="页码，从 1 开始；默认 1"),
        OpenApiParameter("page_size", int, description=f"每页条数，默认 {page_size}，最多 {max_page_size}"),
    ]

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isdigit() or int(text) < 1:
            raise ValidationError({"page_size": [f"每页条数应为 1–{self.max_page_size} 的整数"]})
        return min(int(text), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        text = request.query_params.get(self.page_query_param, "1")
        if not text.isdigit() or int(text) < 1:
            raise ValidationError({"page": ["页码应为从 1 开始的整数"]})
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(int(text))
        except InvalidPage:
            raise ValidationError({"page": [f"页码超出范围：共 {paginator.num_pages} 页"]}) from None
        return list(self.page)


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    scopes = {}

    def initial(self, request, *args, **kwargs):
        request.api_object = None
        super().initial(request, *args, **kwargs)
        self._check_size(request)

    def _check_size(self, request):
        """A JSON body is parsed in memory: refuse a large one from its Content-Length before reading it. (Files come
        as multipart, spooled to disk by Django, and are checked by the upload checks; the site-wide request limit
        stops anything larger first.)"""
        if request.content_type.startswith("multipart/"):
            return
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_json_bytes():
            raise ApiError(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large",
                           f"请求体过大（JSON 不超过 {max_json_bytes() // 1024} KB；附件请用 multipart 上传）")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_call(request, response)
        return response


# The audit log is read by the office, not by programmers: the HTTP method in words.
METHOD_WORDS = {"GET": "读取", "HEAD": "读取", "OPTIONS": "查询接口说明", "POST": "提交", "PUT": "更新",
                "PATCH": "修改", "DELETE": "删除"}


def record_call(request, response):
    """接口调用: client, endpoint, object and result, for every call (refused ones too)."""
    client = client_of(request) if hasattr(request, "_authenticator") else None
    user = getattr(request, "_user", None)  # set once authenticated: the client's account or a session's user
    match = request.resolver_match
    endpoint = f"{request.method} {match.route if match else request.path}"
    target = getattr(request, "api_object", None)
    action = audit.Action.VIEW if request.method == "GET" else audit.Action.UPDATE
    audit.record(user if user is not None and user.is_authenticated else None, action,
                 "api.call.answered", target, request=request._request, username="（未认证）",
                 summary=f"{client or '未认证调用'}：{METHOD_WORDS.get(request.method, '调用')} {request.path} → "
                 f"{response.status_code}",
                 changes={"client": str(client.code) if client else "", "endpoint": endpoint,
                          "status": response.status_code})


def _fingerprint(request):
    """The same key must come with the same request: method, path and body (files by name and size)."""
    data = request.data
    if hasattr(data, "lists"):
        data = {key: [str(value) for value in values] for key, values in data.lists()}
    files = sorted((name, f.name, f.size) for name, values in request.FILES.lists() for f in values) \
        if hasattr(request, "FILES") else []
    text = json.dumps([request.method, request.path, data, files], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(request, run):
    """Run `run() -> (status, body)` once per Idempotency-Key: in one transaction with the stored answer, under an
    advisory lock on the key, so a retry (even one racing the first call) gets the first answer and creates
    nothing. Refusals are not stored: a corrected retry may reuse the key."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApiError(status.HTTP_400_BAD_REQUEST, "idempotency_key",
                       "写操作须提供 Idempotency-Key 请求头（1–100 个字符，每个新请求一个新值，重试时沿用原值）",
                       {"Idempotency-Key": ["必填，1–100 个字符"]})
    client = client_of(request)
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"api-idempotency:{client.pk}:{key}"])
        previous = IdempotentAnswer.objects.filter(client=client, key=key).first()
        if previous is not None:
            if previous.fingerprint != fingerprint:
                raise ApiError(status.HTTP_422_UNPROCESSABLE_ENTITY, "idempotency_key_reused",
                               "该 Idempotency-Key 已用于另一个请求：新请求请使用新的值",
                               {"Idempotency-Key": ["已用于另一个请求"]})
            response = Response(previous.body, status=previous.status)
            response["Idempotent-Replayed"] = "true"
            return response
        answer_status, answer = run()
        answer = json.loads(json.dumps(answer, default=str))  # what the JSON renderer would send
        IdempotentAnswer.objects.create(client=client, key=key, fingerprint=fingerprint, status=answer_status,
                                        body=answer)
    return Response(answer, status=answer_status)
