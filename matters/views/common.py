"""Shared bits of the matters views: the right to edit, the cadres in the user's scope, paging, the form page."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cadres.models import Cadre
from core.permissions import deny
from matters import permissions

PAGE_SIZE = 30


def require_edit(request):
    if not permissions.can_edit(request.user):
        deny(request)


def cadres_in_scope(user):
    return Cadre.objects.visible_to(user).select_related("unit").order_by("unit__path", "-is_principal", "name")


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def render_form(request, form, title, back_url, help_text=""):
    return render(request, "matters/form.html", {"form": form, "title": title, "back_url": back_url,
                                                 "help": help_text})
