"""Two people edit the same record: the second save is refused with what changed, and nothing is overwritten."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Cadre
from tests.factories import CadreFactory


def edit_form_data(client, url):
    """What the browser would send back unchanged: the form's initial values, version included."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


@pytest.mark.django_db
class TestCadreEdit:
    def test_second_save_is_refused_with_the_differences(self, client_for, staff, section_head, county):
        cadre = CadreFactory(unit=county, native_place="浙江丽水", education="大学")
        url = reverse("cadres:edit", args=[cadre.code])
        mine, theirs = client_for(staff), None
        my_data = edit_form_data(mine, url)
        from django.test import Client

        from tests.conftest import verify_two_factor

        theirs = Client()
        theirs.force_login(section_head)
        verify_two_factor(theirs, section_head)
        their_data = edit_form_data(theirs, url)

        their_data["native_place"] = "浙江温州"
        assert theirs.post(url, their_data).status_code == 302

        my_data["native_place"] = "浙江杭州"
        response = mine.post(url, my_data)
        assert response.status_code == 200
        message = " ".join(response.context["form"].non_field_errors())
        assert "保存未成功" in message and "籍贯" in message and "浙江温州" in message and "浙江杭州" in message
        cadre.refresh_from_db()
        assert cadre.native_place == "浙江温州"
        assert cadre.version == 2

    def test_a_fresh_form_saves(self, client_for, staff, county):
        cadre = CadreFactory(unit=county)
        url = reverse("cadres:edit", args=[cadre.code])
        client = client_for(staff)
        data = edit_form_data(client, url)
        data["native_place"] = "福建福州"
        assert client.post(url, data).status_code == 302
        assert Cadre.objects.get(pk=cadre.pk).native_place == "福建福州"

    def test_service_refuses_a_stale_version(self, staff, county):
        from cadres import services
        from core.concurrency import EditConflict

        cadre = CadreFactory(unit=county, native_place="甲")
        services.update_cadre(cadre, actor=staff, version=1, native_place="乙")
        with pytest.raises(EditConflict, match="籍贯"):
            services.update_cadre(cadre, actor=staff, version=1, native_place="丙")
        assert Cadre.objects.get(pk=cadre.pk).native_place == "乙"


@pytest.mark.django_db
def test_audit_edit_refuses_a_stale_version(staff, county):
    from audits import services
    from core.concurrency import EditConflict
    from tests.audits import factories

    cadre = factories.principal(county)
    project = factories.audit(cadre, staff)
    services.update_audit(project, actor=staff, version=1, auditing_body="县审计局第一审计组")
    with pytest.raises(EditConflict, match="县审计局第一审计组"):
        services.update_audit(project, actor=staff, version=1, auditing_body="县审计局第二审计组")
    project.refresh_from_db()
    assert project.auditing_body == "县审计局第一审计组"



# --- a save without a valid version (issue 22) ------------------------------------------------------------------
# Each locked edit form: (persona, url, the record re-read, a field the user changes, the value he types).

def _cadre(request):
    cadre = CadreFactory(unit=request.getfixturevalue("county"), native_place="浙江丽水")
    return "staff", reverse("cadres:edit", args=[cadre.code]), lambda: Cadre.objects.get(pk=cadre.pk), "native_place"


def _audit(request):
    from audits.models import Audit
    from tests.audits import factories

    staff = request.getfixturevalue("staff")
    project = factories.audit(factories.principal(request.getfixturevalue("county")), staff)
    return "staff", reverse("audits:edit", args=[project.code]), lambda: Audit.objects.get(pk=project.pk), \
        "auditing_body"


def _classification(request):
    from audits.models import UnitClassification
    from tests.audits import factories

    county = request.getfixturevalue("county")
    factories.classify(county, actor=request.getfixturevalue("staff"), basis="经济活动量大")
    return "staff", reverse("audits:classification_edit", args=[county.code]), \
        lambda: UnitClassification.objects.get(unit=county), "basis"


def _report(request):
    from liaison.models import Report
    from tests.liaison.factories import ReportFactory, member_unit

    officer = request.getfixturevalue("liaison_a")
    report = ReportFactory(member_unit=member_unit(request.getfixturevalue("unit_a"), [officer]), created_by=officer)
    return "liaison_a", reverse("liaison:report_edit", args=[report.code]), \
        lambda: Report.objects.get(pk=report.pk), "remarks"


def _item(request):
    from liaison.models import ReportItem
    from tests.liaison.factories import ItemFactory, ReportFactory, member_unit

    officer = request.getfixturevalue("liaison_a")
    report = ReportFactory(member_unit=member_unit(request.getfixturevalue("unit_a"), [officer]), created_by=officer)
    item = ItemFactory(report=report)
    return "liaison_a", reverse("liaison:item_edit", args=[report.code, item.code]), \
        lambda: ReportItem.objects.get(pk=item.pk), "description"


def _meeting(request):
    from liaison import services
    from liaison.models import Meeting
    from tests.liaison.factories import member_unit

    staff = request.getfixturevalue("staff")
    meeting = services.create_meeting(
        actor=staff, organizer=request.getfixturevalue("county"), kind=Meeting.Kind.THEMATIC, title="专题会议",
        attendees=[member_unit(request.getfixturevalue("unit_a"))], held_on=datetime.date(2026, 7, 15),
        agenda="研究查核分工", minutes="")
    return "staff", reverse("liaison:meeting_edit", args=[meeting.code]), \
        lambda: Meeting.objects.get(pk=meeting.pk), "agenda"


LOCKED_EDIT_FORMS = {"cadre": _cadre, "audit": _audit, "classification": _classification, "report": _report,
                     "item": _item, "meeting": _meeting}


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "abc", ""], ids=["missing", "malformed", "empty"])
@pytest.mark.parametrize("form", LOCKED_EDIT_FORMS)
def test_a_save_without_a_valid_version_is_refused_and_nothing_is_saved(request, client_for, form, version):
    """Issue 22: a POST without the hidden version (or with garbage in it) must not fall back to the current version,
    or the last writer silently wins; the user is told the page is out of date and shown what differs."""
    persona, url, reread, field = LOCKED_EDIT_FORMS[form](request)
    client = client_for(request.getfixturevalue(persona))
    data = edit_form_data(client, url)
    assert data.pop("version") == reread().version  # the form does carry it: the refusal is about the POST
    if version is not None:
        data["version"] = version
    data[field] = "提交时改的内容"
    before = reread()

    response = client.post(url, data)

    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "页面已过期" in message and "提交时改的内容" in message
    after = reread()
    assert (getattr(after, field), after.version) == (getattr(before, field), before.version)


@pytest.mark.django_db
def test_the_service_refuses_no_version_and_takes_latest_only_when_said(staff, county):
    """Issue 22: the rule is in core.concurrency.claim_version, so an API or script write cannot skip it by accident."""
    from cadres import services
    from core.concurrency import LATEST, EditConflict

    cadre = CadreFactory(unit=county, native_place="甲")
    for version in (None, "1", True, -1):
        with pytest.raises(EditConflict, match="页面已过期"):
            services.update_cadre(cadre, actor=staff, version=version, native_place="乙")
    assert Cadre.objects.get(pk=cadre.pk).native_place == "甲"
    services.update_cadre(cadre, actor=staff, version=LATEST, native_place="丙")
    assert Cadre.objects.values_list("native_place", "version").get(pk=cadre.pk) == ("丙", 2)
