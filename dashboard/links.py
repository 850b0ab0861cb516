"""Links from each figure and chart element to the filtered list behind it, in the apps that own the lists.

Only query parameters the owning list understands are used: each builder checks its FilterSet's declared filters,
so a period filter the list does not offer yet is left out rather than silently ignored there (the figure then
links to the list without the period; see PERIOD_FILTERS for the names the lists are expected to adopt).
"""

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from petitions.filters import PetitionFilter
from vetting.filters import CaseFilter

# Period filters the dashboard passes when the list declares them (django-filter DateFromToRangeFilter names).
PERIOD_FILTERS = {
    "petitions": ("received_after", "received_before"),
    "vetting": ("opened_after", "opened_before"),
}


def _url(name, params):
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return _path(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()) + (f"?{query}" if query else "")


@lru_cache(maxsize=32)
def _path(name, urlconf, prefix):
    """reverse(name) for the URLconf and script prefix in use (their values are the key): a board has a thousand
    links to a dozen lists, and reversing each costs more than the rest of the link."""
    return reverse(name, urlconf=urlconf)


def _declares(filterset_class, name):
    return name in filterset_class.base_filters


def _period_params(app, filterset_class, start, end):
    after, before = PERIOD_FILTERS[app]
    params = {}
    if start is not None and _declares(filterset_class, after):
        params[after] = start.isoformat()
    if end is not None and _declares(filterset_class, before):
        params[before] = end.isoformat()
    return params


def petitions(*, unit=None, start=None, end=None, concluded_start=None, concluded_end=None, **filters):
    """信访举报 list: status, channel, category, days ("overdue"), handler; unit by primary key (with sub-units);
    received in [start, end] or concluded in [concluded_start, concluded_end]."""
    params = {**filters, "unit": unit.pk if unit else None}
    params.update(_period_params("petitions", PetitionFilter, start, end))
    if concluded_start is not None:
        params.update(concluded_after=concluded_start.isoformat(), concluded_before=concluded_end.isoformat())
    return _url("petitions:index", params)


def vetting(*, unit=None, start=None, end=None, **filters):
    """任前把关 list: status, blocked ("true"), move_kind."""
    params = dict(filters)
    if unit is not None and _declares(CaseFilter, "unit"):
        params["unit"] = unit.pk
    params.update(_period_params("vetting", CaseFilter, start, end))
    return _url("vetting:index", params)


def audits(*, unit=None, year=None, **filters):
    """审计项目 list: year, status, rectification ("open"/"overdue"/"done"/"none"), unit by primary key."""
    return _url("audits:list", {**filters, "year": year, "unit": unit.pk if unit else None})


def findings(*, unit=None, year=None, **filters):
    """审计发现问题 list: year, category, status, overdue ("yes"), unit by primary key."""
    return _url("audits:finding_list", {**filters, "year": year, "unit": unit.pk if unit else None})


def liaison_reports(*, month=None, member_unit=None, **filters):
    """通报 list: period (YYYY-MM), member_unit (its code), status, kind."""
    return _url("liaison:index", {**filters, "period": f"{month:%Y-%m}" if month else None,
                                  "member_unit": member_unit.code if member_unit else None})


def liaison_compliance(year):
    return _url("liaison:compliance", {"year": year})


def warnings(*, rule=None, unit=None):
    """预警干部 list: rule code, unit by its code (with sub-units)."""
    return _url("cadres:warnings", {"rule": rule, "unit": unit.code if unit else None})


def measures(*, period=None, unit=None, **filters):
    """监督措施 list (this app's, until the cadres app has one): kind, source_channel, period key, unit code."""
    return _url("dashboard:measures", {**filters, "period": period.key if period else None,
                                       "unit": unit.code if unit else None})
