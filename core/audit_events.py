"""The registry of audit event names: every name core.audit.record writes, with its Chinese label.

A name reads `app.model.verb_ed`, past tense: it says what happened (`petitions.petition.approved`). Each app
declares its names in `<app>/audit_events.py` as EVENTS = {name: label}, and LEGACY = {old name: new name} for
the names it wrote before they were renamed: stored events are hash-chained and never rewritten, so an old row
still shows the label of its new name. `autodiscover` (CoreConfig.ready) loads them all; `record` refuses a name
not registered here. This module is also core's own declaration.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

_labels = {}  # name -> Chinese label
_legacy = {}  # name written before a rename -> its registered name

UNREGISTERED_LABEL = "未登记的事件"

EVENTS = {
    "core.user.logged_in": "登录",
    "core.user.logged_out": "登出",
    "core.user.login_failed": "登录失败",
    "core.user.otp_verified": "动态口令验证通过",
    "core.user.otp_failed": "动态口令错误",
    "core.user.password_changed": "修改密码",
    "core.access.denied": "拒绝访问",
    "core.access.refused": "拒绝访问（403）",
    "core.access.not_found": "访问不存在或无权查看的页面",
    "core.auditlog.exported": "导出审计日志",
    "core.auditlog.export_downloaded": "下载审计日志导出文件",
    "core.search.performed": "全局搜索",
    "core.auditlog.purged": "清理过期审计日志",
    "core.work_calendar.year_entered": "录入年度节假日安排",
}

LEGACY = {
    "core.user.login": "core.user.logged_in",
    "core.user.logout": "core.user.logged_out",
}


def register(events, legacy=None):
    """Add {name: label}, and {old name: new name} aliases for renamed names. A name claimed twice with different
    labels is a mistake (two apps writing one name), refused at start-up."""
    for name, text in events.items():
        if _labels.get(name, text) != text:
            raise ValueError(f"审计事件 {name} 重复登记：“{_labels[name]}”与“{text}”")
        _labels[name] = text
    _legacy.update(legacy or {})


def is_registered(name):
    return name in _labels


def current_name(name):
    """The registered name `name` now goes by (itself unless it was renamed)."""
    return _legacy.get(name, name)


def label(name):
    """The Chinese label of a registered or legacy name; a name the registry never knew (written by a version
    older than this registry) reads 未登记的事件."""
    return _labels.get(current_name(name), UNREGISTERED_LABEL)


def registered():
    """{name: label} of every registered name, sorted by name."""
    return dict(sorted(_labels.items()))


def legacy_names():
    """{old name: new name} of every renamed name."""
    return dict(_legacy)


def names_for(name):
    """`name` and the legacy names that stand for it: what a filter by event matches in the stored rows."""
    return [name, *(old for old, new in _legacy.items() if new == name)]


def settings_events():
    """An admin change of an office settings table is logged as `<app>.<model>.settings_changed` (core.office_settings),
    one name per table."""
    from core.office_settings import AUDITED_BY_THEIR_ADMIN, OFFICE_SETTINGS  # it imports core.audit, which imports us

    return {f"{app_label}.{model}.settings_changed": f"修改{apps.get_model(app_label, model)._meta.verbose_name}"
            for app_label, model, _actions in OFFICE_SETTINGS
            if f"{app_label}.{model}" not in AUDITED_BY_THEIR_ADMIN}


def autodiscover():
    """Register the EVENTS and LEGACY of every installed app's audit_events module (core's is this one)."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "audit_events"):
            module = import_module(f"{app_config.name}.audit_events")
            register(module.EVENTS, getattr(module, "LEGACY", None))
    register(settings_events())
