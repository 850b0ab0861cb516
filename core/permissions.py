"""Role checks for views. Apps build their own permission module on these; templates never decide access."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from core import audit, roles


def deny(request, what=""):
    """Refuse with 403 and record the attempt."""
    audit.record_denied(request, "core.access.denied", summary=f"拒绝访问 {request.path} {what}".strip())
    raise PermissionDenied


def role_required(*allowed):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*allowed):
                deny(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = role_required(*roles.OFFICE_ROLES)
