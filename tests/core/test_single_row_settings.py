"""core.models.SingleRowSettings: the one-row settings tables share one `current()` and one `save()`."""

import importlib

import pytest
from django.apps import apps
from django.contrib import admin

from audits.models import AuditRules
from cadres.models import AvoidanceRules, CadreSettings
from core.admin import SingleRowSettingsAdmin
from core.models import JurisdictionSettings, SecurityPolicy, SingleRowSettings
from liaison.models import ReportingSchedule
from matters.models import MattersRules
from tests.factories import UserFactory
from vetting.models import VettingSettings

SETTINGS = [SecurityPolicy, CadreSettings, AuditRules, ReportingSchedule, MattersRules, VettingSettings, AvoidanceRules]


def test_every_table_with_current_is_a_single_row_settings():
    with_current = {model for model in apps.get_models() if hasattr(model, "current")}
    assert with_current == set(SETTINGS)
    assert all(issubclass(model, SingleRowSettings) for model in SETTINGS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SETTINGS)
def test_current_makes_the_one_row_and_saving_keeps_it_one(model):
    model.objects.all().delete()
    assert model.current().pk == 1
    model().save()  # a second instance saved (e.g. the admin's add form) replaces the row, never adds one
    assert list(model.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.django_db
def test_only_the_security_policy_is_cached_and_saving_clears_it():
    assert SecurityPolicy.current().lockout_minutes == 30
    SecurityPolicy.objects.update(lockout_minutes=45)  # bypasses save: the cached row stays
    assert SecurityPolicy.current().lockout_minutes == 30
    policy = SecurityPolicy.objects.get()
    policy.save()
    assert SecurityPolicy.current().lockout_minutes == 45
    CadreSettings.current()
    CadreSettings.objects.update(sample_percent=20)
    assert CadreSettings.current().sample_percent == 20


@pytest.mark.django_db
@pytest.mark.parametrize(("migration", "model", "field"), [
    ("audits.migrations.0005_settings_row_at_pk_1", AuditRules, "comment_days"),
    ("liaison.migrations.0006_settings_row_at_pk_1", ReportingSchedule, "reminder_day"),
])
def test_a_row_made_with_a_later_id_moves_to_pk_1(migration, model, field):
    """These two were read as the lowest id; the row the office edited keeps its values at pk 1."""
    model.objects.all().delete()
    model.objects.bulk_create([model(pk=4, **{field: 9}), model(pk=7)])  # bulk_create: the ids as they were
    importlib.import_module(migration).one_row_at_pk_1(apps, None)
    assert list(model.objects.values_list("pk", flat=True)) == [1]
    assert getattr(model.current(), field) == 9


def test_every_table_is_edited_through_the_one_row_admin():
    assert all(isinstance(admin.site._registry[model], SingleRowSettingsAdmin) for model in SETTINGS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SETTINGS)
def test_the_admin_opens_the_one_row_and_neither_adds_a_second_nor_deletes_it(client_for, county, model):
    """A table a county may override (JurisdictionSettings) adds a county's row beside the default
    (tests/core/test_jurisdiction_settings.py), never a second default."""
    root = UserFactory(username="root", is_superuser=True, is_staff=True, unit=county)
    model.objects.all().delete()
    client = client_for(root)
    opts = model._meta
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200
    assert list(model.objects.values_list("pk", flat=True)) == [1]  # the list made the row with its defaults
    per_county = issubclass(model, JurisdictionSettings)
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == (200 if per_county else 403)
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/1/delete/").status_code == 403
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/1/change/").status_code == 200
