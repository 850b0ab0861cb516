from core import roles


def shell(request):
    """What the base layout needs on every page: the unread count for the bell and the navigation roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "nav": {
            "office": user.has_role(*roles.OFFICE_ROLES),
            "liaison": user.has_role(roles.LIAISON),
            "auditor": user.has_role(roles.SECURITY_AUDITOR),
            "security_admin": user.has_role(roles.SECURITY_ADMIN),
            "admin_site": user.is_staff,
        },
    }
