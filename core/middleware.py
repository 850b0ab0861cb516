from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from core import audit
from core.uploads import mb_text


class NoStoreMiddleware:
    """Pages for a logged-in user hold case data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class DeniedAccessLogMiddleware:
    """Every 403, and every 404 a logged-in user meets (an object outside his scope looks exactly like a missing one),
    goes into the audit log, unless the view already logged it with its target."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (response.status_code in (403, 404) and user is not None and user.is_authenticated
                and not getattr(request, "_access_denial_logged", False)):
            refused = response.status_code == 403
            audit.record_denied(request, "core.access.refused" if refused else "core.access.not_found",
                                summary=f"{'拒绝访问' if refused else '访问不存在或无权查看的页面'} {request.path}")
        return response


class RequestSizeLimitMiddleware:
    """A request body larger than UPLOAD_MAX_REQUEST_BYTES is refused from its Content-Length, before Django reads
    or stores any of it: an oversized upload never reaches the disk or a worker's time limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = (f"上传的内容过大（{mb_text(length)}），超过上限 {mb_text(limit)}，未保存。"
                       "请压缩或拆分后重新上传。")
            return HttpResponse(render_to_string("413.html", {"message": message}), status=413)
        return self.get_response(request)
