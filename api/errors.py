"""One JSON error shape for every refusal of the API: {"code", "message" (Chinese), "fields": {name: [messages]}},
plus "changed" on an edit conflict. Refusals of the services map to 400 (bad input) or 409 (the record's state)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from core.concurrency import EditConflict
from core.refusals import Refused

# Refusal codes about the state of a record (core.transitions and the services): a conflict, not bad input.
STATE_CODES = {"state", "closed", "step", "frozen", "exists"}

MESSAGES = {
    exceptions.ParseError: ("malformed", "请求内容无法解析：请提交有效的 JSON（UTF-8）或 multipart 表单"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持的请求内容类型"),
    exceptions.NotAuthenticated: ("unauthenticated", "缺少接口密钥：请在 Authorization 头中提供 Bearer 密钥"),
    exceptions.AuthenticationFailed: ("unauthenticated", "接口密钥无效或已吊销"),
    exceptions.PermissionDenied: ("forbidden", "该客户端无权调用此接口"),
    exceptions.NotFound: ("not_found", "对象不存在或无权查看"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法"),
    exceptions.NotAcceptable: ("not_acceptable", "无法提供所要求的响应格式"),
}


class ApiError(exceptions.APIException):
    """A refusal the API itself makes (a missing Idempotency-Key, an oversized body)."""

    def __init__(self, http_status, code, message, fields=None):
        super().__init__(message)
        self.status_code, self.error_code, self.message, self.fields = http_status, code, message, fields or {}


def body(code, message, fields=None, **extra):
    return {"code": code, "message": message, "fields": fields or {}, **extra}


def _field_messages(detail):
    """DRF's nested error detail as {dotted.name: [messages]}, so every bad field is named, nested ones too."""
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            flat.setdefault(prefix or "non_field_errors", []).extend(
                [str(v) for v in value] if isinstance(value, list) else [str(value)])

    walk("", detail)
    return flat


def exception_handler(exc, context):
    if isinstance(exc, EditConflict):
        changed = [{"field": label, "current": now, "submitted": mine} for label, now, mine in exc.differences]
        return Response(body("conflict", exc.message, changed=changed), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Refused):
        http = status.HTTP_409_CONFLICT if exc.code in STATE_CODES else status.HTTP_400_BAD_REQUEST
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(body(exc.code or "refused", exc.message, fields), status=http)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return Response(body("invalid", "；".join(exc.messages), fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApiError):
        return Response(body(exc.error_code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)  # keeps DRF's headers: Retry-After, WWW-Authenticate, Allow
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_messages(exc.detail)
        names = "、".join(name for name in fields if name != "non_field_errors")
        message = f"提交的数据有误：{names}" if names else "；".join(fields.get("non_field_errors", ["提交的数据有误"]))
        response.data = body("invalid", message, fields)
    elif isinstance(exc, exceptions.Throttled):
        response.data = body("throttled", f"调用过于频繁，请 {exc.wait and int(exc.wait + 0.999) or 1} 秒后再试")
    else:
        code, message = next((pair for kind, pair in MESSAGES.items() if isinstance(exc, kind)),
                             ("error", str(exc.detail)))
        response.data = body(code, message)
    return response
