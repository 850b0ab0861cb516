"""Issue 16 §4: the settings the office edits (domain.md's local numbers) are editable by the 系统管理员 in the admin
out of the box, by nobody else, and every change is in the audit log. The list is core.office_settings."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core import roles
from core.models import AuditEvent
from core.office_settings import LABELS
from tests.conftest import verify_two_factor
from tests.factories import UserFactory

# Registered in the admin but not settings of the office, and why.
NOT_OFFICE_SETTINGS = {
    "core.user": "accounts (系统管理员 and 安全保密管理员, core.roles)",
    "core.unit": "the unit tree (系统管理员, core.roles)",
    "core.securitypolicy": "passwords and lock-out: the 安全保密管理员's",
    "core.auditevent": "read by the 安全审计员 only",
    "auth.group": "roles: the 安全保密管理员's",
    "liaison.memberunit": "member units (系统管理员) and their officers (安全保密管理员)",
    "otp_totp.totpdevice": "second factors: superusers only",
    "axes.accessattempt": "lock-outs: superusers only",
    "axes.accessfailurelog": "lock-outs: superusers only",
    "axes.accesslog": "lock-outs: superusers only",
}


def test_every_admin_registration_is_classified():
    """A new settings table registered in an admin.py must be added to core.office_settings (or here, with why)."""
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - set(NOT_OFFICE_SETTINGS) == LABELS
    assert not LABELS & set(NOT_OFFICE_SETTINGS)


def _an_instance(model):
    instance = model.objects.order_by("pk").first()
    if instance is None and hasattr(model, "current"):
        instance = model.current()
    if instance is None and model._meta.label_lower == "core.workcalendaryear":
        instance = model.objects.create(year=2027)
    if instance is None and model._meta.label_lower == "core.workcalendarday":
        instance = model.objects.create(date=datetime.date(2027, 1, 1), is_working_day=False, name="元旦")
    assert instance is not None, model
    return instance


def _admin_client(role):
    user = UserFactory(username=f"u{abs(hash(role)) % 10**8}", roles=[role], is_staff=True)
    client = Client()
    client.force_login(user)
    verify_two_factor(client, user)
    return client


def _change_url(instance):
    return reverse(f"admin:{instance._meta.app_label}_{instance._meta.model_name}_change", args=[instance.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(LABELS))
def test_the_system_administrator_can_change_each_setting_and_no_other_role_can(label):
    instance = _an_instance(apps.get_model(label))
    response = _admin_client(roles.SYSTEM_ADMIN).get(_change_url(instance))
    assert response.status_code == 200
    assert response.context["has_change_permission"]
    for role in set(roles.ALL_ROLES) - {roles.SYSTEM_ADMIN}:
        assert _admin_client(role).get(_change_url(instance)).status_code in (302, 403), role


def _post_data(response):
    """The change form as the browser would send it back, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{key}": management[key].value() for key in management.fields})
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(LABELS))
def test_a_change_in_the_admin_is_audited(label):
    instance = _an_instance(apps.get_model(label))
    client = _admin_client(roles.SYSTEM_ADMIN)
    url = _change_url(instance)
    data = _post_data(client.get(url))
    before = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    events = AuditEvent.objects.order_by("id")[before:]
    assert [event.target_type for event in events if event.action == AuditEvent.Action.UPDATE] == [label]
