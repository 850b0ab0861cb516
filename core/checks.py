"""Start-up checks for a production deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError

from core.models import User


@register(deploy=True)
def audit_log_key(app_configs, **kwargs):
    try:
        key = bytes.fromhex(settings.AUDIT_LOG_KEY)
    except ValueError:
        key = b""
    if len(key) < 16:
        return [Error("AUDIT_LOG_KEY 未配置或过短（至少 16 字节，十六进制）：审计日志哈希链需要它。",
                      hint="生成：python -c \"import secrets;print(secrets.token_hex(32))\"", id="core.E001")]
    return []


@register(deploy=True)
def no_active_superuser(app_configs, **kwargs):
    """三员分立: no account may hold every right at once."""
    try:
        names = list(User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)[:5])
    except DatabaseError:
        return []  # no database yet (first deploy): migrate runs the checks again
    if names:
        return [Error(f"存在启用的超级用户（{'、'.join(names)}），违反三员分立。",
                      hint="停用该账号或取消其超级用户身份。", id="core.E002")]
    return []
