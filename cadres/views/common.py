from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from cadres import permissions
from cadres.models import Cadre
from core.permissions import deny
from core.refusals import Refused, show_refusal


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


def record_page(request, cadre, form, run, *, success, anchor, title, **page):
    """A page that records one thing through a service: on a valid POST `run(cleaned_data)`, then the message
    `success` (or `success(result)`) and back to the profile at `anchor`; a refusal goes back on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return back_to_profile(cadre, anchor)
    return form_page(request, title=title, form=form, cadre=cadre, **page)
