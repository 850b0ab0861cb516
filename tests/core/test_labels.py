"""Issue 20: the user reads Chinese labels, never the codes the database stores."""

import pytest
from django import forms
from django.template import Context, Template

from audits.models import Audit, AuditStatus
from core import audit
from core.forms import PLEASE_CHOOSE, PleaseChooseMixin
from core.labels import EMPTY, field_label, verbose_name
from core.models import AuditEvent, Unit
from tests.audits import factories


def test_field_label_maps_codes_booleans_and_nothing():
    assert field_label(Audit, "status", AuditStatus.RESULTS) == "结果运用中"
    assert field_label(Audit, "status", "closed") == "已办结"
    assert field_label(AuditEvent, "action", ["create", "update"]) == "新建、修改"
    assert field_label(Unit, "name", "教育局") == "教育局"
    assert field_label(Audit, "status", None) == EMPTY
    assert field_label(Audit, "no_such_field", True) == "是"
    # a code no longer offered is shown as stored rather than hidden
    assert field_label(Audit, "status", "archived") == "archived"
    assert verbose_name(Audit, "status") == "状态"
    assert verbose_name(Audit, "days_late") == "days_late"


@pytest.mark.django_db
def test_change_history_shows_state_labels(staff, unit_a):
    """The audit page read "results → closed" (issue 20)."""
    case = factories.audit(factories.principal(unit_a), staff)
    audit.record(staff, audit.Action.UPDATE, "audits.audit.closed", case, summary="办结",
                 changes={"status": [AuditStatus.RESULTS, AuditStatus.CLOSED], "note": [None, "已归档"]})
    html = Template("{% load case_history %}{% change_history case %}").render(Context({"case": case}))
    assert "状态：结果运用中 → 已办结" in html
    assert f"{EMPTY} → 已归档" in html
    assert "results" not in html and "closed" not in html


class _Form(PleaseChooseMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none())
    status = forms.ChoiceField(choices=[("", "---------"), *AuditStatus.choices])
    kind = forms.ChoiceField(choices=[("", "全部类型")])  # a label the form chose itself stays

    def __init__(self):
        super().__init__()
        self.fields["later"] = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)


@pytest.mark.django_db
def test_forms_blank_choice_reads_please_choose():
    html = str(_Form())
    assert "---------" not in html
    assert html.count(f">{PLEASE_CHOOSE}</option>") == 3
    assert ">全部类型</option>" in html
