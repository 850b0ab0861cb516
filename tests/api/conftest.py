"""An API client of member unit A (liaison scopes), one of unit B, and an office client (12380 intake, statistics),
each with its key; `call` sends JSON with the key and a fresh Idempotency-Key unless told otherwise."""

import json
import uuid

import pytest
from django.test import Client

from api import services
from api.models import Scope
from tests.liaison.factories import member_unit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member_a(unit_a, liaison_a):
    return member_unit(unit_a, [liaison_a])


@pytest.fixture
def member_b(unit_b, liaison_b):
    return member_unit(unit_b, [liaison_b])


def issue(actor, member, scopes, **extra):
    return services.create_client(actor=actor, name=f"客户端{uuid.uuid4().hex[:4]}", member_unit=member,
                                  scopes=scopes, **extra)


@pytest.fixture
def unit_client(security_admin, member_a):
    return issue(security_admin, member_a, [Scope.LIAISON_READ, Scope.LIAISON_WRITE])


@pytest.fixture
def other_unit_client(security_admin, member_b):
    return issue(security_admin, member_b, [Scope.LIAISON_READ, Scope.LIAISON_WRITE])


@pytest.fixture
def office_client(security_admin, county, section_head):
    """The office's 12380 client; the county's 科室负责人 takes its intakes (petitions.services.intake_handlers)."""
    security_admin.jurisdiction = county
    security_admin.save(update_fields=["jurisdiction"])
    return issue(security_admin, None, [Scope.PETITIONS_WRITE, Scope.STATS_READ])


class Caller:
    def __init__(self, key):
        self.key = key
        self.http = Client()

    def headers(self, idempotency_key=None, write=True):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}
        if write:
            headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key or str(uuid.uuid4())
        return headers

    def get(self, path, **params):
        return self.http.get(path, params, **self.headers(write=False))

    def send(self, method, path, body, *, idempotency_key=None, raw=False, content_type="application/json"):
        data = body if raw else json.dumps(body, ensure_ascii=False)
        return getattr(self.http, method)(path, data, content_type=content_type, **self.headers(idempotency_key))

    def post(self, path, body, **kwargs):
        return self.send("post", path, body, **kwargs)

    def put(self, path, body, **kwargs):
        return self.send("put", path, body, **kwargs)


@pytest.fixture
def call_as():
    return lambda issued: Caller(issued[1])


@pytest.fixture
def post_migrate_state():
    """For a transactional test: put back content types, permissions and role groups that an earlier flush removed
    (as tests/liaison/conftest.py does)."""
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
