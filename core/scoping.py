"""Who may see what: the one place that turns a user into a data scope. Every `visible_to` manager calls it."""

from django.db.models import Q

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


PICKER_LEVELS = 2  # levels below the user's jurisdiction offered in a unit drop-down


def unit_options(user, selected=None, levels=PICKER_LEVELS):
    """(code, indented name) of the active units a drop-down of a list page offers: down to `levels` below the
    user's jurisdiction (a province's thousands of departments would make the page hundreds of KB), plus the
    unit already chosen (`selected`, a code) wherever it is."""
    base = user.jurisdiction.path.count("/") if user.jurisdiction_id else 0
    near = Q(path__regex=r"^(\d+/){1,%d}$" % (base + levels))
    units = visible_units(user).filter(is_active=True).filter(near | Q(code=selected or ""))
    return [(unit.code, "　" * max(unit.path.count("/") - base - 1, 0) + unit.display_name)
            for unit in units.only("code", "name", "short_name", "path")]


def restrict_by_unit(queryset, user, unit_field="unit"):
    """Filter a case queryset to the user's scope through its unit foreign key (None for unit-less rows)."""
    if not can_read_cases(user):
        return queryset.none()
    if user.jurisdiction_id is None:
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": user.jurisdiction.path})
