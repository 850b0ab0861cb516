"""12380 intake over the API: the page's registration (services.register and the page's own form checks), the
informant encrypted exactly as on the page, the case number and a duplicate-check answer, attachments by upload."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from petitions import crypto
from petitions.models import Attachment, Petition, ReporterIdentity
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/petitions/"


@pytest.fixture
def cadre(unit_a):
    return CadreFactory(unit=unit_a, name="钱某某", post_title="副局长")


def report(cadre, **extra):
    return {"channel": "web_12380", "received_on": str(timezone.localdate() - datetime.timedelta(days=1)),
            "is_named": True, "reporter": {"name": "赵某", "phone": "13800000000"},
            "subjects": [{"id_number": cadre.id_number}], "categories": ["selection"],
            "summary": "反映县纪委监委某副局长在干部调整中突击提拔亲属。", "full_text": "全文", **extra}


def test_a_named_report_is_registered_with_its_case_number_and_the_informant_encrypted(call_as, office_client, cadre):
    response = call_as(office_client).post(URL, report(cadre))
    assert response.status_code == 201, response.content
    body = response.json()
    petition = Petition.objects.get(code=body["code"])
    assert body["code"].startswith(f"XF-{petition.received_on.year}-") and body["query_code"] == petition.query_code
    assert petition.subjects.get().cadre == cadre and body["matched_subjects"] == 1
    identity = ReporterIdentity.objects.get(petition=petition)
    assert "赵某" not in identity.name_token
    assert crypto.decrypt(identity.name_token, identity.aad("name_token")) == "赵某"
    assert identity.phone_hash == crypto.keyed_hash("13800000000")
    assert "赵某" not in str(body)


def test_the_duplicate_check_answers_on_the_way_in(call_as, office_client, cadre):
    caller = call_as(office_client)
    first = caller.post(URL, report(cadre)).json()
    assert first["duplicates"] == []
    second = caller.post(URL, report(cadre, is_named=False, reporter={})).json()
    assert [row["code"] for row in second["duplicates"]] == [first["code"]]
    assert second["duplicates"][0]["reasons"]


def test_a_subject_by_name_and_unit_is_matched_or_kept_unmatched(call_as, office_client, cadre, unit_a):
    caller = call_as(office_client)
    matched = caller.post(URL, report(cadre, subjects=[{"name": "钱某某", "unit": unit_a.name}])).json()
    assert Petition.objects.get(code=matched["code"]).subjects.get().cadre == cadre
    unmatched = caller.post(URL, report(cadre, unit=unit_a.code,
                                        subjects=[{"name": "孙某", "unit": "某乡", "post_title": "站长"}])).json()
    subject = Petition.objects.get(code=unmatched["code"]).subjects.get()
    assert (subject.cadre, subject.name, subject.unit_text) == (None, "孙某", "某乡")


def test_the_pages_checks_name_every_bad_field(call_as, office_client, cadre):
    body = report(cadre, reporter={"name": "赵某", "id_number": "123"}, categories=["nope"],
                  subjects=[{"id_number": "110101199003071234"}])
    response = call_as(office_client).post(URL, body)
    assert response.status_code == 400
    assert "categories.0" in response.json()["fields"]
    fixed = call_as(office_client).post(URL, {**body, "categories": ["selection"]})
    assert fixed.status_code == 400 and "subjects.0.id_number" in fixed.json()["fields"]
    fixed = call_as(office_client).post(URL, {**body, "categories": ["selection"],
                                              "subjects": [{"id_number": cadre.id_number}]})
    assert fixed.status_code == 400 and set(fixed.json()["fields"]) >= {"reporter.id_number", "reporter.name"}
    assert not Petition.objects.exists()


def test_an_anonymous_report_with_an_informant_is_refused(call_as, office_client, cadre):
    response = call_as(office_client).post(URL, report(cadre, is_named=False))
    assert response.status_code == 400 and "is_named" in response.json()["fields"]


def multipart(key, body, files):
    return Client().post(URL, {"payload": json.dumps(body), "attachments": files},
                         HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_attachments_by_upload(office_client, cadre, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = multipart(office_client[1], report(cadre), [SimpleUploadedFile("举报信.pdf", b"%PDF-1.4 letter")])
    assert response.status_code == 201, response.content
    assert Attachment.objects.get(petition__code=response.json()["code"]).original_name == "举报信.pdf"


@pytest.mark.parametrize("content", [b"MZ\x90\x00 not a document", b""])
def test_a_bad_file_is_400_and_registers_nothing(office_client, cadre, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = multipart(office_client[1], report(cadre), [SimpleUploadedFile("举报信.pdf", content)])
    assert response.status_code == 400 and response.json()["message"]
    assert not Petition.objects.exists()


@pytest.mark.parametrize("payload", ["{", "[]", ""])
def test_a_bad_payload_is_400(office_client, payload):
    response = Client().post(URL, {"payload": payload}, HTTP_AUTHORIZATION=f"Bearer {office_client[1]}",
                             HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 400 and "payload" in response.json()["fields"]
