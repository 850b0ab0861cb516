"""Two-factor login (TOTP) for the roles that hold the most: 部领导 and the three administrators.

After the password, such a user must enter a code from an authenticator app. The first time, the page shows the
secret (as a QR code and as text) and confirms it with a first code. django-otp throttles wrong codes."""

import base64
from urllib.parse import quote

import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit, roles

TWO_FACTOR_ROLES = (roles.LEADER, *roles.ADMIN_ROLES)
ALWAYS_ALLOWED = ("/otp/", "/logout/", "/static/", "/healthz")


def requires_two_factor(user):
    return user.is_authenticated and user.has_role(*TWO_FACTOR_ROLES)


class TwoFactorMiddleware:
    """Sends a user of a two-factor role to /otp/ until this session is verified (after django-otp's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if requires_two_factor(user) and not user.is_verified() and not request.path.startswith(ALWAYS_ALLOWED):
            return redirect(f"/otp/?next={quote(request.get_full_path())}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(label="动态验证码", max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _qr_data_uri(url):
    svg = segno.make(url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def verify(request):
    """Enter the code; on first use, enrol a new device and confirm it with the code."""
    user = request.user
    if not requires_two_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="动态口令", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record_request(request, audit.Action.LOGIN, "core.user.otp_verified", user,
                                 summary="动态口令验证通过" + ("（首次绑定）" if enrolling else ""))
            return redirect(_next_url(request))
        audit.record_request(request, audit.Action.LOGIN_FAILED, "core.user.otp_failed", user,
                             summary="动态口令错误")
        messages.error(request, "验证码错误或已过期，请重新输入。多次错误后需等待片刻。")
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr"] = _qr_data_uri(device.config_url)
    return render(request, "registration/otp.html", context)
