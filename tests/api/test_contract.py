"""Contract test: schemathesis generates bodies from the OpenAPI schema for every write endpoint, valid ones and
invalid ones, and none gets a server error. Bounded (a few dozen examples per endpoint) to stay under a minute."""

import json
import uuid

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from api.models import UNIT_SCOPES
from liaison import services as liaison_services
from liaison.models import Report
from tests.api.conftest import issue

pytestmark = pytest.mark.django_db

EXAMPLES = 20
WRITES = [("/api/v1/liaison/reports/", "POST"), ("/api/v1/liaison/reports/{code}/", "PUT"),
          ("/api/v1/liaison/urgent/", "POST"), ("/api/v1/petitions/", "POST"),
          ("/api/v1/matters/crossings/", "POST")]


@pytest.fixture(scope="module")
def schema():
    return schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


def send(case, key, path):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    http = Client()
    method = case.method.lower()
    if case.media_type and case.media_type.startswith("multipart/"):
        body = case.body if isinstance(case.body, dict) else {}
        data = {"payload": body.get("payload", "") if isinstance(body.get("payload", ""), str) else "x"}
        return http.post(path, data, **headers)
    return getattr(http, method)(path, json.dumps(case.body, default=str, ensure_ascii=False),
                                 content_type="application/json", **headers)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("route", "method"), WRITES)
def test_no_write_endpoint_answers_500(schema, route, method, mode, unit_client, office_client, security_admin):
    unit_client = issue(security_admin, unit_client[0].member_unit, sorted(UNIT_SCOPES))
    key = office_client[1] if route.startswith("/api/v1/petitions") else unit_client[1]
    path = route
    if "{code}" in route:  # a returned report of the client's unit, so bodies reach the services
        draft = Report.objects.create(member_unit=unit_client[0].member_unit, period="2025-06-01",
                                      due_date="2025-07-15", status=Report.Status.DRAFT)
        liaison_services.grant_unit_access(draft)
        path = route.replace("{code}", str(draft.code))
    operation = schema[route][method]
    statuses = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = send(case, key, path)
        statuses.append(response.status_code)
        assert response.status_code < 500, (case.body, response.content[:500])
        assert set(response.json()) >= {"code", "message", "fields"} or response.status_code < 300

    check()
    assert statuses  # the strategy produced calls
