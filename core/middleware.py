from django.utils.cache import add_never_cache_headers


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
            from core import audit

            refused = response.status_code == 403
            audit.record_denied(request, "core.access.refused" if refused else "core.access.not_found",
                                summary=f"{'拒绝访问' if refused else '访问不存在或无权查看的页面'} {request.path}")
        return response
