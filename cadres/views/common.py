from django.shortcuts import get_object_or_404, redirect, render

from cadres import permissions
from cadres.models import Cadre
from core.permissions import deny


def cadre_or_404(request, code):
    return get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit"), code=code)


def require_edit(request):
    if not permissions.can_edit(request.user):
        deny(request)


def editable_cadre(request, code):
    """The cadre (404 if out of scope) for a user allowed to change records (403 otherwise)."""
    cadre = cadre_or_404(request, code)
    require_edit(request)
    return cadre


def back_to_profile(cadre, anchor=""):
    return redirect(cadre.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def form_page(request, *, title, form, cadre=None, submit="保存", intro="", enctype=""):
    return render(request, "cadres/form.html", {"title": title, "form": form, "cadre": cadre, "submit": submit,
                                                 "intro": intro, "enctype": enctype})
