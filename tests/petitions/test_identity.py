"""Informant protection: encryption at rest, key rotation, the cipher self-test, who may see the identity, the
audit of every view, and that the identity appears in no list, export, search, notification, task, log or error."""

import datetime
import io
import logging
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre
from core.exports import ListExport
from core.models import AuditEvent, Notification
from petitions import checks, crypto, services
from petitions.identity import Reporter
from petitions.models import Disposal, Petition, ReporterIdentity
from tests.factories import CadreFactory, UserFactory
from tests.petitions.factories import REPORTER, SECRETS, make_petition


def exported_sheet(client, capture, query=""):
    """Ask for the list export (a background task, run here on commit) and open the downloaded workbook."""
    with capture(execute=True):
        assert client.post(reverse("petitions:export"), {"query": query}).status_code == 302
    job = ListExport.objects.filter(kind="petitions").latest("pk")
    download = client.get(reverse("petitions:export_download", args=[job.code]))
    assert download.status_code == 200
    return load_workbook(io.BytesIO(b"".join(download.streaming_content))).active


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text, f"informant data {secret!r} leaked"


def all_database_text():
    """Every row of every table in the public schema, as text."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (table names from the catalogue)
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


# --- at rest ----------------------------------------------------------------------------------------------------

def test_raw_columns_hold_no_plaintext(staff):
    petition = make_petition(staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_token, id_number_token, phone_token, address_token, phone_hash, id_number_hash "
                       "FROM petitions_reporteridentity WHERE petition_id = %s", [petition.pk])
        row = cursor.fetchone()
    raw = " ".join(row)
    assert_no_secret(raw)
    assert all(token.startswith("sm4gcm$test1$") for token in row[:4])
    assert len(row[4]) == 64 and row[4] == crypto.keyed_hash(REPORTER.phone)


def test_no_plaintext_anywhere_in_the_database_after_a_whole_case(staff, section_head, client_for):
    petition = make_petition(staff)
    services.propose(petition, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="理由")
    services.approve(petition, actor=section_head)
    client_for(section_head).post(reverse("petitions:reveal", args=[petition.code]), {"reason": "核实身份"})
    assert_no_secret(all_database_text())


def test_tampered_or_moved_tokens_do_not_decrypt(staff):
    first, second = make_petition(staff), make_petition(staff)
    a = ReporterIdentity.objects.get(petition=first)
    b = ReporterIdentity.objects.get(petition=second)
    assert crypto.decrypt(a.name_token, a.aad("name_token")) == REPORTER.name
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(a.name_token, b.aad("name_token"))  # copied into another case
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(a.name_token, a.aad("phone_token"))  # copied into another column
    body = a.name_token.rsplit("$", 1)
    flipped = body[0] + "$" + ("A" if body[1][0] != "A" else "B") + body[1][1:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, a.aad("name_token"))


def test_keyed_hash_finds_repeat_reporters_without_decrypting(staff, section_head, client_for):
    first = make_petition(staff)
    second = make_petition(staff, reporter=Reporter(name="另一人", phone="139 1234 5678"))
    assert ReporterIdentity.objects.get(petition=first).phone_hash == \
        ReporterIdentity.objects.get(petition=second).phone_hash
    response = client_for(section_head).post(reverse("petitions:reveal", args=[second.code]), {"reason": "核查"})
    assert first.code in response.content.decode()


# --- keys -------------------------------------------------------------------------------------------------------

def test_key_rotation_reencrypts_under_the_active_key(staff, section_head, client_for):
    petition = make_petition(staff)
    with override_settings(PETITION_ACTIVE_KEY="test2"):
        out = io.StringIO()
        call_command("rotate_petition_keys", stdout=out)
        assert "已更新 1 条" in out.getvalue()
        call_command("rotate_petition_keys", stdout=io.StringIO())  # rerun: nothing left to do
    identity = ReporterIdentity.objects.get(petition=petition)
    assert all(crypto.key_id_of(getattr(identity, f)) == "test2" for f in ReporterIdentity.TOKEN_FIELDS)
    assert AuditEvent.objects.filter(name="petitions.identity.keys_rotated").count() == 2
    # the old key can now be removed: values still read with the new key alone
    with override_settings(PETITION_KEYS="test2:f0e0d0c0b0a090807060504030201000", PETITION_ACTIVE_KEY="test2"):
        response = client_for(section_head).post(reverse("petitions:reveal", args=[petition.code]),
                                                 {"reason": "核实"})
        assert REPORTER.name in response.content.decode()


def test_rotation_refuses_when_a_key_is_missing(staff):
    make_petition(staff)
    from django.core.management.base import CommandError

    with override_settings(PETITION_KEYS="test2:f0e0d0c0b0a090807060504030201000", PETITION_ACTIVE_KEY="test2"):
        with pytest.raises(CommandError, match="缺少密钥 test1"):
            call_command("rotate_petition_keys", stdout=io.StringIO())


def test_rotation_recomputes_hashes_with_a_new_hash_key(staff):
    petition = make_petition(staff)
    new_hash_key = "00112233445566778899aabbccddeeff"
    with override_settings(PETITION_HASH_KEY=new_hash_key):
        call_command("rotate_petition_keys", stdout=io.StringIO())
        assert ReporterIdentity.objects.get(petition=petition).phone_hash == crypto.keyed_hash(REPORTER.phone)


def test_cipher_self_test_passes_as_a_system_check():
    assert crypto.self_test() == []
    assert checks.identity_cipher_check() == []


def test_self_test_catches_a_wrong_cipher(monkeypatch):
    monkeypatch.setattr(crypto, "_KAT_GCM_TAG", "00" * 16)
    assert [message.id for message in checks.identity_cipher_check()] == ["petitions.E001"]


@pytest.mark.parametrize(("keys", "active", "hash_key", "message"), [
    ("", "", "", "生产环境必须配置"),
    ("k1:0011", "k1", "00" * 16, "128 位"),
    ("k1:" + "00" * 16, "k2", "00" * 16, "不在 PETITION_KEYS"),
    ("k1:" + "zz" * 16, "k1", "00" * 16, "不是十六进制"),
    ("k1:" + "00" * 16, "k1", "0011", "PETITION_HASH_KEY"),
])
def test_bad_key_settings_fail_the_check(keys, active, hash_key, message):
    with override_settings(DEBUG=False, PETITION_KEYS=keys, PETITION_ACTIVE_KEY=active, PETITION_HASH_KEY=hash_key):
        errors = checks.identity_cipher_check()
    assert [error.id for error in errors] == ["petitions.E002"]
    assert message in errors[0].msg


def test_development_key_only_with_debug():
    with override_settings(DEBUG=True, PETITION_KEYS="", PETITION_ACTIVE_KEY="", PETITION_HASH_KEY=""):
        assert crypto.keyring().development
        assert "6465" not in repr(crypto.keyring())  # never the key material in a repr


# --- who sees it ------------------------------------------------------------------------------------------------

@pytest.fixture
def case(staff):
    return make_petition(staff)


@pytest.fixture
def colleague(staff):
    """Office staff of the same county, not a handler of the case."""
    return UserFactory(username="colleague", roles=["监督科工作人员"], unit=staff.unit,
                       jurisdiction=staff.jurisdiction)


def test_handler_sees_the_identity_only_after_asking_with_a_reason(case, staff, client_for):
    client = client_for(staff)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "实名（身份已保护）" in page and "查看举报人身份" in page
    assert_no_secret(page)
    url = reverse("petitions:reveal", args=[case.code])
    no_reason = client.post(url, {"reason": ""}).content.decode()
    assert_no_secret(no_reason)
    assert not AuditEvent.objects.filter(name="petitions.identity.viewed").exists()
    shown = client.post(url, {"reason": "电话回访举报人"}).content.decode()
    for secret in SECRETS:
        assert secret in shown


def test_each_identity_view_is_logged_without_the_identity(case, staff, section_head, client_for):
    url = reverse("petitions:reveal", args=[case.code])
    client_for(staff).post(url, {"reason": "电话回访"})
    client_for(section_head).post(url, {"reason": "审核办结前核实"})
    events = AuditEvent.objects.filter(name="petitions.identity.viewed", target_id=case.code).order_by("id")
    assert [(e.actor_username, e.action) for e in events] == [("staff", "view"), ("head", "view")]
    assert "电话回访" in events[0].summary
    for event in events:
        assert_no_secret(f"{event.summary} {event.changes} {event.target_repr}")


@pytest.mark.parametrize("persona", ["colleague", "leader"])
def test_users_without_the_permission_never_see_it(persona, case, client_for, request):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "实名（身份已保护）" in text and "查看举报人身份" not in text
    assert_no_secret(text)
    response = client.post(reverse("petitions:reveal", args=[case.code]), {"reason": "想看"})
    assert response.status_code == 403
    assert_no_secret(response.content.decode())
    assert AuditEvent.objects.filter(name="core.access.denied", actor_username=user.username).exists()
    assert not AuditEvent.objects.filter(name="petitions.identity.viewed").exists()


def test_removed_handler_loses_the_identity(case, staff, colleague, section_head, client_for):
    services.assign_handlers(case, [colleague], actor=section_head)
    response = client_for(staff).post(reverse("petitions:reveal", args=[case.code]), {"reason": "回访"})
    assert response.status_code == 403
    response = client_for(colleague).post(reverse("petitions:reveal", args=[case.code]), {"reason": "回访"})
    assert REPORTER.name in response.content.decode()


def test_no_identity_in_the_export_even_for_a_handler(case, staff, client_for, media_root,
                                                      django_capture_on_commit_callbacks):
    sheet = exported_sheet(client_for(staff), django_capture_on_commit_callbacks)
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert case.code in cells and "实名" in cells
    assert_no_secret(cells)
    assert AuditEvent.objects.filter(name="petitions.petition.exported").exists()


@pytest.mark.parametrize("term", ["钱多多", "13912345678", "331102198001010027", "解放路"])
def test_search_never_matches_the_identity(term, case, staff, client_for):
    # The encrypted identity is not searchable: the search finds nothing (the term itself is only echoed back).
    response = client_for(staff).get(reverse("petitions:index"), {"q": term})
    text = response.content.decode()
    assert case.code not in text and "没有符合条件的信访举报件" in text
    assert case.code in client_for(staff).get(reverse("petitions:index"), {"q": case.code}).content.decode()


def test_every_url_as_a_user_without_the_permission(case, staff, section_head, colleague, client_for):
    """Walk every petitions URL (pages and actions) as a colleague without the permission: no identity anywhere."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.add_attachment(case, SimpleUploadedFile("材料.pdf", b"%PDF-1.4 letter"), actor=staff)
    client = client_for(colleague)
    code = case.code
    pages = [reverse("petitions:index"), reverse("petitions:index") + "?q=钱", reverse("petitions:create"),
             reverse("petitions:export"), reverse("petitions:statistics"), case.get_absolute_url(),
             reverse("petitions:lookup") + f"?query_code={case.query_code}",
             reverse("petitions:attachment", args=[code, attachment.code])]
    for url in pages:
        response = client.get(url, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_no_secret(body.decode("utf-8", errors="ignore"))
    for action in ["propose", "approve", "reject", "assign_handlers", "update_investigation", "add_interview",
                   "submit_findings", "return_for_more", "conclude", "record_transfer_reply", "notify_acceptance",
                   "extend", "record_feedback", "archive", "link_duplicate", "void", "link_subject",
                   "add_attachment"]:
        response = client.post(reverse("petitions:act", args=[code, action]), {}, follow=True)
        assert response.status_code in (200, 403)
        assert_no_secret(response.content.decode())
    response = client.post(reverse("petitions:reveal", args=[code]), {"reason": "看看"})
    assert response.status_code == 403


def test_a_user_named_in_the_report_never_sees_the_case(staff, colleague, client_for, media_root,
                                                        django_capture_on_commit_callbacks):
    cadre = CadreFactory(unit=staff.jurisdiction, user=colleague)
    case = make_petition(staff, cadre=cadre)
    other = make_petition(staff)
    client = client_for(colleague)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.post(reverse("petitions:reveal", args=[case.code]), {"reason": "x"}).status_code == 404
    listing = client.get(reverse("petitions:index")).content.decode()
    assert case.code not in listing and other.code in listing
    sheet = exported_sheet(client, django_capture_on_commit_callbacks)
    assert case.code not in " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert client.get(reverse("petitions:lookup"), {"query_code": case.query_code}).status_code == 302
    assert not Petition.objects.visible_to(colleague).filter(pk=case.pk).exists()
    assert Cadre.objects.get(pk=cadre.pk).user == colleague


# --- notifications, tasks, logs, error pages ---------------------------------------------------------------------

def test_notifications_and_task_arguments_carry_no_identity(case, staff, colleague, section_head,
                                                            django_capture_on_commit_callbacks):
    with mock.patch("petitions.tasks.notify_assigned.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            services.assign_handlers(case, [staff, colleague], actor=section_head)
    send.assert_called_once()
    args = send.call_args.kwargs["args"]
    assert args == [case.pk, [colleague.pk]]
    assert all(isinstance(arg, int) or all(isinstance(i, int) for i in arg) for arg in args)
    from petitions.tasks import notify_assigned

    assert notify_assigned(case.pk, [colleague.pk]) == 1
    assert notify_assigned(case.pk, [colleague.pk]) == 0  # idempotent
    from core import deadlines as core_deadlines

    core_deadlines.scan(datetime.date(2026, 4, 1))
    titles = " ".join(Notification.objects.values_list("title", flat=True))
    assert case.code in titles
    assert_no_secret(titles)


def test_logs_carry_no_identity(staff, section_head, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    case = make_petition(staff)
    client_for(section_head).post(reverse("petitions:reveal", args=[case.code]), {"reason": "核实"})
    client_for(staff).get(reverse("petitions:index"), {"q": "x"})
    assert_no_secret(caplog.text)


def _register_payload(cadre):
    return {"received_on": "2026-03-02", "channel": "phone_12380", "case_type": "accusation", "is_named": "1",
            "reporter_name": REPORTER.name, "reporter_id_number": REPORTER.id_number,
            "reporter_phone": REPORTER.phone, "reporter_address": REPORTER.address, "cadres": [cadre.pk],
            "categories": ["selection"], "summary": "反映违规提拔", "full_text": "", "clues_specific": "on"}


@pytest.mark.parametrize("debug", [False, True])
def test_error_pages_carry_no_identity(debug, staff, client, monkeypatch):
    cadre = CadreFactory(unit=staff.jurisdiction)
    client.force_login(staff)
    client.raise_request_exception = False

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("storage failure")

    monkeypatch.setattr(ReporterIdentity, "save", broken_save)
    with override_settings(DEBUG=debug):
        response = client.post(reverse("petitions:create"), _register_payload(cadre))
    assert response.status_code == 500
    text = response.content.decode()
    if debug:
        assert "storage failure" in text  # the technical page, with every variable masked
    assert_no_secret(text)
    assert not Petition.objects.exists()


def test_registration_through_the_page(staff, client_for):
    cadre = CadreFactory(unit=staff.jurisdiction)
    response = client_for(staff).post(reverse("petitions:create"), _register_payload(cadre))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == petition.get_absolute_url()
    assert petition.is_named and petition.subjects.get().cadre == cadre
    assert staff.has_perm("petitions.view_reporter_identity", petition)
    page = client_for(staff).get(petition.get_absolute_url()).content.decode()
    assert petition.query_code in page
    assert_no_secret(page)
