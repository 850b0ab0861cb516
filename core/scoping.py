"""Who may see what: the one place that turns a user into a data scope. Every `visible_to` manager calls it."""

from django.db import models
from django.db.models import Q

from core import roles
from core.models import Unit, User


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


PICKER_LEVELS = 2  # levels below the top of the user's tree offered in a unit drop-down


def picker_options(rows, top, chosen=(), levels=PICKER_LEVELS):
    """The one rule of a unit drop-down: (value, name indented by level) of the unit rows (value, name, path) down
    to `levels` below the depth `top` (a province's thousands of departments would make a page hundreds of KB),
    plus the ones already chosen (values as strings) wherever they are."""
    for value, name, path in rows:
        depth = path.count("/") - top
        if depth <= levels or str(value) in chosen:
            yield value, "　" * depth + name


def unit_options(user, selected=None, levels=PICKER_LEVELS):
    """(code, indented name) of the active units a hand-written drop-down offers (picker_options), read down to
    `levels` below the user's jurisdiction only, plus the unit already chosen (`selected`, a code)."""
    top = user.jurisdiction.path.count("/") if user.jurisdiction_id else 1
    near = Q(path__regex=r"^(\d+/){1,%d}$" % (top + levels))
    units = visible_units(user).filter(is_active=True).filter(near | Q(code=selected or ""))
    rows = [(unit.code, unit.display_name, unit.path) for unit in units.only("code", "name", "short_name", "path")]
    return list(picker_options(rows, top, {selected}, levels))


def regions_below(user, unit=None):
    """The counties (县、市、区) a city user's figures break down by: the jurisdictions of other office users that lie
    strictly below the top of what he looks at (`unit`, else his jurisdiction, else the whole tree), outermost only,
    in the units' order. A county has its own 干部监督科, whose users' jurisdiction is the county; a county user
    gets []. One query."""
    top = unit or (user.jurisdiction if user.jurisdiction_id else None)
    offices = User.objects.filter(is_active=True, jurisdiction__isnull=False, groups__name__in=roles.OFFICE_ROLES)
    units = Unit.objects.filter(pk__in=offices.values("jurisdiction")).order_by("path")
    if top is not None:
        units = units.filter(path__startswith=top.path).exclude(pk=top.pk)
    regions = []
    for region in units:  # by path: a unit comes after the units above it
        if not any(region.path.startswith(outer.path) for outer in regions):
            regions.append(region)
    return sorted(regions, key=lambda region: (region.sort_order, region.path))


def restrict_by_unit(queryset, user, *unit_fields):
    """Filter a case queryset to an office user's jurisdiction: the rows whose unit, at any of `unit_fields`
    (default "unit"), lies in it; a row whose unit is empty there is out of a limited user's scope."""
    if not can_read_cases(user):
        return queryset.none()
    if user.jurisdiction_id is None:
        return queryset
    if getattr(user, "jurisdiction_covers_all", False):  # core.user_facts: every unit is in it, so any unit will do
        fields = unit_fields or ("unit",)
        if any(_never_empty(queryset.model, field) for field in fields):
            return queryset  # every row has a unit: no condition at all, so a count can read an index only
        return queryset.filter(Q(*[Q(**{f"{field}__isnull": False}) for field in fields], _connector=Q.OR))
    path = user.jurisdiction.path
    return queryset.filter(
        Q(*[Q(**{f"{field}__path__startswith": path}) for field in unit_fields or ("unit",)], _connector=Q.OR)
    )


def _never_empty(model, field_path):
    """Whether every row reaches a unit along `field_path` (each step a required foreign key)."""
    for name in field_path.split("__"):
        field = model._meta.get_field(name)
        if not field.many_to_one or field.null:
            return False
        model = field.related_model
    return True


def in_subtree(queryset, unit, unit_field="unit"):
    """The rows whose unit (at `unit_field`) is `unit` or below it; all rows without a unit chosen."""
    if unit is None:
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": unit.path})


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)`, decided once for every case model (style.md §1). A model declares the unit field(s) that
    scope its rows in `unit_fields` (a row is in scope when any of them lies in the user's jurisdiction); office
    roles see the rows in their jurisdiction, less what `hidden_from` takes away; any other user sees what
    `for_other_roles` grants, nothing by default. Special rules override those two hooks, never visible_to."""

    unit_fields = ("unit",)

    def visible_to(self, user):
        if not can_read_cases(user):
            return self.for_other_roles(user)
        return restrict_by_unit(self, user, *self.unit_fields).hidden_from(user)

    def hidden_from(self, user):
        """Hook: rows an office user never sees even within his jurisdiction (e.g. a case about himself)."""
        return self

    def for_other_roles(self, user):
        """Hook: the rows a user without an office role sees (e.g. a liaison officer his unit's reports)."""
        return self.none()


def scoped_by(*unit_fields):
    """A ScopedQuerySet class for a model with nothing else on its queryset: `scoped_by("cadre__unit")`."""
    return type("ScopedQuerySet", (ScopedQuerySet,), {"unit_fields": unit_fields, "__module__": __name__})


# --- counties (issue 20: one deployment for a city and its counties) ------------------------------------------------

def county_of(user):
    """The county a user works for: his jurisdiction when it lies below the top of the unit tree; None for the
    city's users (a jurisdiction at the top) and users without a limit. A county numbers its own cases
    (core.numbering) and its administrator edits its own settings only (core.admin.JurisdictionAdminMixin)."""
    unit = user.jurisdiction if user is not None and user.jurisdiction_id else None
    return unit if unit is not None and unit.parent_id is not None else None


def may_administer(user, jurisdiction):
    """Whether an administrator may edit the settings of `jurisdiction` (None: the city's default, which only an
    administrator of the whole tree edits)."""
    county = county_of(user)
    return county is None or (jurisdiction is not None and jurisdiction.path.startswith(county.path))


def administered_jurisdictions(user):
    """The jurisdictions an administrator may give settings of their own: the counties (the jurisdictions of office
    users below the top of the tree) within his own county, if he has one."""
    offices = User.objects.filter(jurisdiction__isnull=False, groups__name__in=roles.OFFICE_ROLES)
    units = Unit.objects.filter(pk__in=offices.values("jurisdiction"), parent__isnull=False).order_by("path")
    county = county_of(user)
    return units if county is None else units.filter(path__startswith=county.path)
