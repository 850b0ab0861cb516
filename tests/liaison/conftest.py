import datetime

import pytest

import core.security  # noqa: F401  (connects the login-time receiver before force_login; see report)
from liaison.models import Report
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def post_migrate_state():
    """For a test marked transactional: one with serialized rollback that ran before it (the browser test) ends with
    a flush that skips post_migrate, so content types, permissions and role groups are gone; put them back as a
    flush would, before the personas are made. (Requesting transactional_db here would make tests/conftest.py add
    serialized rollback, whose own flush leaves the tables empty for the next run of a reused test database.)"""
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture
def member_a(unit_a, liaison_a):
    return member_unit(unit_a, [liaison_a])


@pytest.fixture
def member_b(unit_b, liaison_b):
    return member_unit(unit_b, [liaison_b])


@pytest.fixture
def report_a(member_a, liaison_a):
    return ReportFactory(member_unit=member_a, created_by=liaison_a)


@pytest.fixture
def report_b(member_b, liaison_b):
    """Unit B's draft report with one item and one attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison import services

    report = ReportFactory(member_unit=member_b, created_by=liaison_b)
    item = ItemFactory(report=report, created_by=liaison_b)
    services.add_attachment(item, SimpleUploadedFile("线索.pdf", b"%PDF-1.4 test"), actor=liaison_b)
    return report


@pytest.fixture
def item_b(report_b):
    return report_b.items.get()


@pytest.fixture
def period():
    return datetime.date(2026, 10, 1)


def refresh(report):
    return Report.objects.get(pk=report.pk)
