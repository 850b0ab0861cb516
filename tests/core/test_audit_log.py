import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core import audit
from core.models import AuditEvent


@pytest.fixture
def event(staff):
    return audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", staff, summary="查看")


@pytest.mark.django_db
class TestAppendOnly:
    def test_update_through_the_orm_is_rejected(self, event):
        with pytest.raises(DatabaseError, match="只允许追加"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(summary="篡改")
        event.refresh_from_db()
        assert event.summary == "查看"

    def test_delete_is_rejected(self, event):
        with pytest.raises(DatabaseError, match="只允许追加"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_raw_sql_update_is_rejected(self, event):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET actor_username = 'x' WHERE id = %s", [event.pk])
        event.refresh_from_db()
        assert event.actor_username == "staff"


@pytest.mark.django_db
class TestLoginEvents:
    def test_login_logout_and_failed_login_are_recorded(self, client, staff):
        client.post("/login/", {"username": "staff", "password": "wrong-password"})
        client.post("/login/", {"username": "staff", "password": "Test@2026password"})
        client.post("/logout/")
        actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_username"))
        assert actions == [("login_failed", "staff"), ("login", "staff"), ("logout", "staff")]

    def test_failed_login_keeps_no_password(self, client, staff):
        client.post("/login/", {"username": "staff", "password": "S3cret-tried"}, REMOTE_ADDR="10.1.2.3")
        event = AuditEvent.objects.get(action="login_failed")
        assert event.ip == "10.1.2.3"
        assert "S3cret-tried" not in str(event.changes) + event.summary


@pytest.mark.django_db
def test_record_keeps_target_and_changes(staff, county):
    event = audit.record(staff, audit.Action.UPDATE, "cadres.cadre.updated", county, changes={"name": ["旧", "新"]})
    assert (event.target_type, event.target_id, event.target_repr) == ("core.unit", "COUNTY", "青溪县委")
    assert event.changes == {"name": ["旧", "新"]}
