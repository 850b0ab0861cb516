"""Optimistic locking on the audits app's edit forms (core.concurrency): the classification of a unit and the audit
project. Two people open the same form; the second save is refused with what changed and overwrites nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Category, ClassificationChange, Mode, UnitClassification
from core.concurrency import LATEST, EditConflict
from core.models import AuditEvent
from tests.audits import factories
from tests.conftest import verify_two_factor
from tests.security.test_optimistic_locking import edit_form_data

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    verify_two_factor(client, user)
    return client


def _classification_url(unit):
    return reverse("audits:classification_edit", args=[unit.code])


# --- classification ---------------------------------------------------------------------------------------------


def test_second_classification_save_is_refused_with_the_differences(county, staff, section_head):
    factories.classify(county, Category.A, actor=staff)
    url = _classification_url(county)
    mine, theirs = _client(staff), _client(section_head)
    my_data, their_data = edit_form_data(mine, url), edit_form_data(theirs, url)
    assert my_data["version"] == their_data["version"] == 1

    their_data.update(category="B", reason="经济活动量减少")
    assert theirs.post(url, their_data).status_code == 302

    my_data.update(category="C", reason="民生任务减轻")
    response = mine.post(url, my_data)
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "保存未成功" in message and "类别" in message and "B类" in message and "C类" in message
    saved = AuditEvent.objects.filter(name="audits.classification.changed").latest("id")
    assert f"head于{timezone.localtime(saved.at):%Y-%m-%d %H:%M}修改" in message  # who, when (local time)
    current = UnitClassification.objects.get(unit=county)
    assert current.category == Category.B and current.version == 2
    assert list(current.changes.values_list("reason", flat=True)) == ["经济活动量减少", "初次分类"]


def test_a_fresh_form_saves_and_takes_the_next_version(county, staff):
    factories.classify(county, Category.A, actor=staff)
    url = _classification_url(county)
    client = _client(staff)
    data = edit_form_data(client, url)
    data.update(category="B", reason="业务划转")
    assert client.post(url, data).status_code == 302
    assert UnitClassification.objects.get(unit=county).version == 2
    data = edit_form_data(client, url)
    assert data["version"] == 2
    data.update(basis="更新分类依据")
    assert client.post(url, data).status_code == 302
    assert UnitClassification.objects.get(unit=county).basis == "更新分类依据"


def test_two_first_classifications_of_the_same_unit(county, staff, section_head):
    """Both open the form of an unclassified unit; the one who saves second is told, not silently overwritten."""
    url = _classification_url(county)
    mine, theirs = _client(staff), _client(section_head)
    my_data, their_data = edit_form_data(mine, url), edit_form_data(theirs, url)
    assert my_data["version"] == services.UNCLASSIFIED
    their_data.update(category="A")
    assert theirs.post(url, their_data).status_code == 302
    my_data.update(category="D")
    response = mine.post(url, my_data)
    assert response.status_code == 200
    assert "保存未成功" in " ".join(response.context["form"].non_field_errors())
    assert UnitClassification.objects.get(unit=county).category == Category.A
    assert ClassificationChange.objects.count() == 1


def test_the_service_refuses_a_stale_version(county, staff):
    factories.classify(county, Category.A, actor=staff)
    services.classify_unit(county, category=Category.B, reason="调整", actor=staff, version=1)
    with pytest.raises(EditConflict, match="类别"):
        services.classify_unit(county, category=Category.C, reason="再调整", actor=staff, version=1)
    current = UnitClassification.objects.get(unit=county)
    assert (current.category, current.version) == (Category.B, 2)
    # no version is refused (issue 22: the last writer must not win); scripts and the demo say LATEST
    with pytest.raises(EditConflict, match="页面已过期"):
        services.classify_unit(county, category=Category.C, reason="无版本", actor=staff)
    services.classify_unit(county, category=Category.C, mode=Mode.SAMPLED, reason="脚本", actor=staff, version=LATEST)
    assert UnitClassification.objects.get(unit=county).category == Category.C


def test_the_hidden_version_is_not_shown_as_a_field(county, staff):
    factories.classify(county, Category.A, actor=staff)
    page = _client(staff).get(_classification_url(county)).content.decode()
    assert 'type="hidden" name="version" value="1"' in page
    assert "Version" not in page  # no label of its own


# --- the audit project ------------------------------------------------------------------------------------------


def test_second_audit_edit_is_refused_in_the_page(county, staff, section_head):
    """The view shows the conflict (it used to look the exception up in the wrong module)."""
    project = factories.audit(factories.principal(county), staff)
    url = reverse("audits:edit", args=[project.code])
    mine, theirs = _client(staff), _client(section_head)
    my_data, their_data = edit_form_data(mine, url), edit_form_data(theirs, url)
    their_data["auditing_body"] = "县审计局第一审计组"
    assert theirs.post(url, their_data).status_code == 302
    my_data["auditing_body"] = "县审计局第二审计组"
    response = mine.post(url, my_data)
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "保存未成功" in message and "县审计局第一审计组" in message and "县审计局第二审计组" in message
    project.refresh_from_db()
    assert project.auditing_body == "县审计局第一审计组"
