"""Filters and tags for what every page, or every row of a busy list, renders many times (issue 18: a lighter
request). Each gives what the stock one gives, without the work that does not change between requests:

    {{ cadre|choice:"rank" }}     the label of a choice field, as cadre.get_rank_display
    {{ cadre.birth_date|ymd }}    a date as "2026-01-31", as |date:"Y-m-d" (dates only, not datetimes)
    {% fixed_url "core:home" %}   an address without arguments, as {% url %}, reversed once per process
"""

import datetime
from functools import cache, lru_cache

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _labels(model, name):
    # Choices are code, fixed for the process; get_FOO_display rebuilds this dict on every call.
    return {code: str(label) for code, label in model._meta.get_field(name).flatchoices}


@register.filter
def choice(instance, name):
    value = getattr(instance, name)
    return _labels(type(instance), name).get(value, value)


@register.filter(expects_localtime=True)
def ymd(value):
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):  # already local (expects_localtime), as the stock filter's
        return date_filter(value, "Y-m-d")
    return value.isoformat()


@lru_cache(maxsize=256)
def _reversed(name, prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name):
    # What else reverse() reads is in the key: the mount (script prefix) and the URLconf, which tests may change.
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
