"""Who may see what: the one place that turns a user into a data scope. Every `visible_to` manager calls it."""

from core import roles
from core.models import Unit


def can_read_cases(user):
    """Office roles read case data; the three administrators and liaison officers do not (liaison officers see
    only their own unit's reports, decided in the liaison app)."""
    return bool(user and user.is_authenticated and user.has_role(*roles.OFFICE_ROLES))


def visible_units(user):
    """The units whose cases an office user may see: the subtree of their jurisdiction, or all units."""
    if not can_read_cases(user):
        return Unit.objects.none()
    if user.jurisdiction_id is None:
        return Unit.objects.all()
    return user.jurisdiction.subtree()


def restrict_by_unit(queryset, user, unit_field="unit"):
    """Filter a case queryset to the user's scope through its unit foreign key (None for unit-less rows)."""
    if not can_read_cases(user):
        return queryset.none()
    if user.jurisdiction_id is None:
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": user.jurisdiction.path})
