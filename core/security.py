"""Authentication policy: password rules, lockout (django-axes callables), session timeouts, forced changes.
Every number comes from SecurityPolicy, which the 安全保密管理员 edits."""

import datetime
import time

from axes.conf import settings as axes_settings
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityPolicy

# --- django-axes: lock by user name after N failures for M minutes ---------------------------------------------


def lockout_failures(request, credentials):
    return SecurityPolicy.current().lockout_failures


def lockout_cooloff(request):
    return datetime.timedelta(minutes=SecurityPolicy.current().lockout_minutes)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE) says for how long and until when, in local time. An unknown user
    name is locked and answered the same way, so the page reveals nothing about which accounts exist."""
    minutes = SecurityPolicy.current().lockout_minutes
    username = get_client_username(request, credentials) or ""
    # The cool-off runs from the latest failure (axes moves it on each failure during the lockout).
    last = (AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
            or getattr(request, "axes_attempt_time", None) or timezone.now())
    context = {"lockout_minutes": minutes, "unlock_at": _unlock_text(last + datetime.timedelta(minutes=minutes))}
    return render(request, "registration/locked.html", context, status=axes_settings.AXES_HTTP_RESPONSE_CODE)


def _unlock_text(at):
    at, today = timezone.localtime(at), timezone.localdate()
    return f"{at:%H:%M}" if at.date() == today else f"{at.month}月{at.day}日 {at:%H:%M}"


# --- password rules ---------------------------------------------------------------------------------------------


class PasswordPolicyValidator:
    """At least the policy's length, three of upper/lower/digit/symbol, and not containing the user name."""

    def validate(self, password, user=None):
        errors = []
        length = SecurityPolicy.current().password_min_length
        if len(password) < length:
            errors.append(f"密码长度至少 {length} 位。")
        classes = [any(c.isupper() for c in password), any(c.islower() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
        if sum(classes) < 3:
            errors.append("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            errors.append("密码不得包含用户名。")
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return "至少 12 位（以安全策略为准），包含大写字母、小写字母、数字、符号中的至少三类，且不得包含用户名。"


# --- sessions ---------------------------------------------------------------------------------------------------

SESSION_LOGIN_AT = "login_at"
SESSION_SEEN_AT = "seen_at"
REFRESH_SECONDS = 60  # the idle clock is reset at most once a minute: no session write on every request


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    now = time.time()
    request.session[SESSION_LOGIN_AT] = request.session[SESSION_SEEN_AT] = now
    request.session.set_expiry(SecurityPolicy.current().idle_timeout_minutes * 60)


class SessionPolicyMiddleware:
    """Idle timeout (sliding), absolute timeout from login, and the forced password change."""

    ALWAYS_ALLOWED = ("/logout/", "/password/", "/static/", "/healthz", "/otp/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            policy = SecurityPolicy.current()
            login_at = request.session.get(SESSION_LOGIN_AT, 0)
            if time.time() - login_at > policy.absolute_timeout_hours * 3600:
                logout(request)
                messages.warning(request, "会话已超过最长时长，请重新登录。")
                return redirect(f"{reverse('login')}?next={request.path}")
            if time.time() - request.session.get(SESSION_SEEN_AT, 0) > REFRESH_SECONDS:
                request.session[SESSION_SEEN_AT] = time.time()
                request.session.set_expiry(policy.idle_timeout_minutes * 60)
            if user.password_expired(policy) and not request.path.startswith(self.ALWAYS_ALLOWED):
                messages.warning(request, "首次登录或密码已过期，请先修改密码。")
                return redirect("password_change")
        return self.get_response(request)
