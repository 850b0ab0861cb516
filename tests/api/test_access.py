"""Keys, scopes, rate limits, the audit event of every call, idempotency and the error shape (issue 19)."""

import datetime
import hashlib
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from api.models import ApiClient, IdempotentAnswer, Scope
from core.models import AuditEvent
from liaison.models import Report
from tests.api.conftest import Caller, issue

pytestmark = pytest.mark.django_db


def period():
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")


NIL = {"nil": True}
REPORTS = "/api/v1/liaison/reports/"
# endpoint × method → the scope it needs; every call is tried with every single scope.
ENDPOINTS = [
    ("get", REPORTS, Scope.LIAISON_READ),
    ("post", REPORTS, Scope.LIAISON_WRITE),
    ("get", f"{REPORTS}{uuid.uuid4()}/", Scope.LIAISON_READ),
    ("put", f"{REPORTS}{uuid.uuid4()}/", Scope.LIAISON_WRITE),
    ("post", "/api/v1/liaison/urgent/", Scope.LIAISON_WRITE),
    ("post", "/api/v1/petitions/", Scope.PETITIONS_WRITE),
    ("post", "/api/v1/matters/crossings/", Scope.MATTERS_WRITE),
    ("get", "/api/v1/stats/", Scope.STATS_READ),
]
UNIT_ONLY = {Scope.LIAISON_READ, Scope.LIAISON_WRITE, Scope.MATTERS_WRITE}


@pytest.mark.parametrize("scope", Scope.values)
def test_endpoint_by_client_scope_matrix(security_admin, member_a, scope):
    """A client holding only `scope`: allowed where that scope is needed (any answer but 401/403), 403 elsewhere."""
    member = member_a if scope in UNIT_ONLY else None
    caller = Caller(issue(security_admin, member, [scope])[1])
    for method, path, needed in ENDPOINTS:
        body = {} if method == "get" else {"period": "bad"}
        response = caller.get(path) if method == "get" else caller.send(method, path, body)
        assert response.status_code < 500, (method, path)
        if needed == scope:
            assert response.status_code not in (401, 403), (scope, method, path, response.content)
        else:
            assert response.status_code == 403, (scope, method, path)
            assert response.json()["code"] == "forbidden"


def test_scopes_follow_whose_client_it_is(security_admin, member_a):
    with pytest.raises(services.Refused):
        issue(security_admin, member_a, [Scope.PETITIONS_WRITE])
    with pytest.raises(services.Refused):
        issue(security_admin, None, [Scope.LIAISON_WRITE])


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer api_nothere_x"},
                                     {"HTTP_AUTHORIZATION": "Bearer not-a-key"}, {"HTTP_X_API_KEY": "api__"}])
def test_no_or_a_wrong_key_is_401_in_the_one_shape(headers):
    response = Client().get(REPORTS, **headers)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"} and response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_key_is_stored_hashed_and_rotation_and_revocation_stop_the_old_one(unit_client, security_admin):
    client, key = unit_client
    client.refresh_from_db()
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(client.__dict__)
    assert Caller(key).get(REPORTS).status_code == 200
    client, new_key = services.rotate_key(client, actor=security_admin)
    assert Caller(key).get(REPORTS).status_code == 401
    assert Caller(new_key).get(REPORTS).status_code == 200
    services.revoke(client, actor=security_admin)
    assert Caller(new_key).get(REPORTS).status_code == 401
    names = list(AuditEvent.objects.filter(target_id=str(client.code)).values_list("name", flat=True))
    assert {"api.client.created", "api.client.key_rotated", "api.client.revoked"} <= set(names)
    assert not any(key in str(event.changes) or new_key in str(event.changes) for event in AuditEvent.objects.all())


def test_the_service_account_cannot_log_in(unit_client):
    client, _key = unit_client
    assert not client.user.has_usable_password()
    response = Client().post("/login/", {"username": client.user.username, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in Client().session


def test_every_call_is_an_audit_event_with_client_endpoint_object_and_result(unit_client, call_as):
    client, _key = unit_client
    caller = call_as(unit_client)
    code = caller.post(REPORTS, {"period": period(), **NIL}).json()["code"]
    caller.get(f"{REPORTS}{uuid.uuid4()}/")
    calls = AuditEvent.objects.filter(name="api.call.answered").order_by("id")
    first, second = calls
    assert first.actor == client.user and first.target_id == code
    assert first.changes == {"client": str(client.code), "endpoint": "POST api/v1/liaison/reports/", "status": 201}
    assert second.changes["status"] == 404
    Client().get(REPORTS)  # refused calls too, without a client
    assert AuditEvent.objects.filter(name="api.call.answered").order_by("id").last().changes["status"] == 401


def test_rate_limit_answers_429_with_retry_after(security_admin, member_a):
    caller = Caller(issue(security_admin, member_a, [Scope.LIAISON_READ], rate_per_minute=2)[1])
    assert [caller.get(REPORTS).status_code for _ in range(2)] == [200, 200]
    refused = caller.get(REPORTS)
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


# --- idempotency -------------------------------------------------------------------------------------------------

def test_a_retry_after_a_timeout_returns_the_first_answer_and_creates_nothing(call_as, unit_client):
    """The client sent the request, the answer was lost (timeout); it retries with the same key."""
    caller = call_as(unit_client)
    body = {"period": period(), **NIL}
    first = caller.post(REPORTS, body, idempotency_key="retry-1")  # the answer the client never saw
    events = AuditEvent.objects.filter(name="liaison.report.submitted").count()
    retry = caller.post(REPORTS, body, idempotency_key="retry-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(name="liaison.report.submitted").count() == events


def test_a_refused_write_keeps_no_answer_so_the_corrected_retry_goes_through(call_as, unit_client):
    caller = call_as(unit_client)
    assert caller.post(REPORTS, {"period": "2026-13"}, idempotency_key="k").status_code == 400
    assert not IdempotentAnswer.objects.exists()
    assert caller.post(REPORTS, {"period": period(), **NIL}, idempotency_key="k").status_code == 201


def test_the_same_key_for_another_request_is_refused(call_as, unit_client):
    caller = call_as(unit_client)
    assert caller.post(REPORTS, {"period": period(), **NIL}, idempotency_key="once").status_code == 201
    other = caller.post(REPORTS, {"period": "2025-01", **NIL}, idempotency_key="once")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_keys_are_per_client(call_as, unit_client, other_unit_client):
    assert call_as(unit_client).post(REPORTS, {"period": period(), **NIL}, idempotency_key="k").status_code == 201
    assert call_as(other_unit_client).post(REPORTS, {"period": period(), **NIL},
                                           idempotency_key="k").status_code == 201
    assert Report.objects.count() == 2


def test_a_write_without_idempotency_key_is_refused(unit_client):
    _client, key = unit_client
    response = Client().post(REPORTS, json.dumps({"period": period(), **NIL}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]
    assert not Report.objects.exists()


# --- bad input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ['{"period": ', "\xff\xfe", "[]", "null", '"text"', "{" * 5000])
def test_malformed_json_is_400(call_as, unit_client, raw):
    response = call_as(unit_client).post(REPORTS, raw, raw=True)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"code", "message", "fields"}


def test_every_bad_field_is_named(call_as, unit_client):
    body = {"period": 202610, "nil": "maybe", "items": [{"aspect": "nope", "occurred_on": "yesterday"}]}
    response = call_as(unit_client).post(REPORTS, body)
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"period", "nil", "items.0.aspect", "items.0.occurred_on", "items.0.cadre_name", "items.0.source",
            "items.0.description"} <= set(fields)
    assert all(message for messages in fields.values() for message in messages)


def test_an_oversized_body_is_413_before_it_is_read(call_as, unit_client, settings):
    settings.API_MAX_JSON_BYTES = 1000
    response = call_as(unit_client).post(REPORTS, {"period": period(), "remarks": "很" * 1000})
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_a_wrong_content_type_is_415(call_as, unit_client):
    response = call_as(unit_client).post(REPORTS, "period=2026-10", raw=True, content_type="text/plain")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


# --- schema and the pages ----------------------------------------------------------------------------------------

def test_the_schema_for_a_key_or_an_office_user_only(unit_client, client_for, staff, liaison_a, security_admin):
    assert Caller(unit_client[1]).get("/api/v1/schema/", format="json").status_code == 200
    assert Client().get("/api/v1/schema/").status_code == 401
    assert client_for(staff).get("/api/v1/schema/", {"format": "json"}).json()["openapi"].startswith("3.")
    assert client_for(liaison_a).get("/api/v1/schema/").status_code == 403


def test_the_reference_page(client_for, staff, liaison_a):
    page = client_for(staff).get("/api/v1/docs/")
    assert page.status_code == 200 and "api/reference.js" in page.content.decode()
    assert client_for(liaison_a).get("/api/v1/docs/").status_code == 403


def test_the_security_admin_issues_a_key_shown_once(client_for, security_admin, member_a):
    browser = client_for(security_admin)
    response = browser.post("/api-clients/", {"name": "纪委监委案件系统", "member_unit": member_a.pk,
                                              "scopes": [Scope.LIAISON_READ, Scope.LIAISON_WRITE],
                                              "rate_per_minute": 30})
    assert response.status_code == 200
    client = ApiClient.objects.get(name="纪委监委案件系统")
    key = response.context["key"]
    assert key.startswith(f"api_{client.key_prefix}_") and key in response.content.decode()
    assert key not in browser.get(f"/api-clients/{client.code}/").content.decode()
    assert key not in browser.get("/api-clients/").content.decode()
    assert Caller(key).get(REPORTS).status_code == 200
    browser.post(f"/api-clients/{client.code}/scopes/", {"scopes": [Scope.LIAISON_READ], "rate_per_minute": 30})
    client.refresh_from_db()
    assert client.scopes == [Scope.LIAISON_READ]
    browser.post(f"/api-clients/{client.code}/revoke/")
    assert Caller(key).get(REPORTS).status_code == 401


def test_a_refused_scope_is_shown_on_the_form(client_for, security_admin, member_a):
    response = client_for(security_admin).post("/api-clients/", {
        "name": "x", "member_unit": member_a.pk, "scopes": [Scope.STATS_READ], "rate_per_minute": 30})
    assert response.status_code == 200 and "不能授权" in response.content.decode()
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "section_head", "leader", "liaison_a", "system_admin",
                                     "security_auditor"])
def test_only_the_security_admin_manages_clients(request, client_for, persona, unit_client):
    browser = client_for(request.getfixturevalue(persona))
    assert browser.get("/api-clients/").status_code == 403
    assert browser.get(f"/api-clients/{unit_client[0].code}/").status_code == 403
    assert browser.post(f"/api-clients/{unit_client[0].code}/revoke/").status_code == 403


def test_the_audit_log_page_filters_by_client(unit_client, other_unit_client, call_as, client_for, security_auditor,
                                              security_admin):
    call_as(unit_client).get(REPORTS)
    call_as(other_unit_client).get(REPORTS)
    mine = unit_client[0]
    services.rotate_key(mine, actor=security_admin)  # the account, and so the filter, outlives a key
    page = client_for(security_auditor)
    html = page.get("/audit-log/").content.decode()
    assert f'<option value="{mine.user.username}" >{mine.user.full_name}（{mine.user.username}）</option>' in html
    shown = page.get("/audit-log/", {"client": mine.user.username}).context["page"].object_list
    assert [(event.name, event.changes["client"]) for event in shown] == [("api.call.answered", str(mine.code))]
    everything = page.get("/audit-log/", {"client": "secadmin"}).context["page"].object_list  # not a client
    assert {event.actor_username for event in everything} >= {mine.user.username, other_unit_client[0].user.username}
    page.get("/audit-log/", {"client": mine.user.username, "export": "xlsx"})
    assert AuditEvent.objects.get(name="core.auditlog.exported").summary.endswith(
        f"（条件：接口客户端 {mine.user.username}）")
