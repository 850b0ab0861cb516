"""The audit log's keyed hash chain, its retention purge, and the application role's privileges."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent


@pytest.fixture
def events(staff):
    return [audit.record(staff, audit.Action.VIEW, "core.test.viewed", summary=f"查看 {n}") for n in range(5)]


def as_superuser(statement, params=()):
    """What an attacker with database superuser access could do: bypass the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


@pytest.mark.django_db
class TestHashChain:
    def test_untouched_log_verifies(self, events, capsys):
        assert audit.verify_chain() == []
        call_command("verify_audit_log")
        assert "哈希链完整" in capsys.readouterr().out

    def test_each_event_links_to_the_previous_one(self, events):
        chain = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "row_hash"))
        for (_, previous), (link, _) in zip(chain, chain[1:], strict=False):
            assert link == previous

    def test_a_row_altered_behind_the_application_is_reported(self, events):
        as_superuser("UPDATE core_auditevent SET summary = '篡改' WHERE id = %s", [events[2].pk])
        assert audit.verify_chain() == [events[2].pk]
        with pytest.raises(CommandError, match=str(events[2].pk)):
            call_command("verify_audit_log")

    def test_a_removed_row_is_reported_at_the_next_one(self, events):
        as_superuser("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        assert audit.verify_chain() == [events[2].pk]

    def test_a_recomputed_hash_without_the_key_does_not_help(self, events, settings):
        settings.AUDIT_LOG_KEY = "00" * 16  # the attacker's guess
        forged = audit.event_hash(events[3], events[3].prev_hash)
        as_superuser("UPDATE core_auditevent SET summary = '篡改', row_hash = %s WHERE id = %s",
                     [forged, events[3].pk])
        settings.AUDIT_LOG_KEY = "746573742d61756469742d636861696e2d6b6579"
        assert events[3].pk in audit.verify_chain()


@pytest.mark.django_db
class TestRetention:
    def old_event(self, days):
        event = AuditEvent(action="view", name="core.test.old", at=timezone.now() - datetime.timedelta(days=days))
        return audit._append(event)

    def test_refuses_to_purge_events_younger_than_180_days(self):
        recent = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
        with pytest.raises(CommandError, match="至少保留 180 天"):
            call_command("purge_audit_log", "--before", recent)

    def test_purges_old_events_and_logs_it(self, capsys):
        old, young = self.old_event(400), self.old_event(10)
        cutoff = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
        call_command("purge_audit_log", "--before", cutoff)
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
        assert AuditEvent.objects.filter(pk=young.pk).exists()
        assert AuditEvent.objects.filter(name="core.auditlog.purged").exists()
        assert audit.verify_chain() == []

    def test_the_database_refuses_deleting_young_events_even_in_purge_mode(self):
        young = self.old_event(10)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL core.audit_purge = 'on'")
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [young.pk])


@pytest.mark.django_db
class TestApplicationRole:
    @pytest.fixture
    def app_role(self):
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE IF EXISTS cadre_app_test")
            cursor.execute("CREATE ROLE cadre_app_test NOLOGIN")
        call_command("grant_app_role", "cadre_app_test")
        yield "cadre_app_test"

    @pytest.mark.parametrize("statement", [
        "UPDATE core_auditevent SET summary = 'x'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
    ])
    def test_app_role_cannot_change_the_log(self, app_role, events, statement):
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {app_role}")
            cursor.execute(statement)

    def test_app_role_can_append_and_read(self, app_role, staff):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {app_role}")
            audit.record(staff, audit.Action.VIEW, "core.test.viewed")
            assert AuditEvent.objects.count() == 1

    def test_unknown_role_gets_a_clear_message(self):
        with pytest.raises(CommandError, match="不存在"):
            call_command("grant_app_role", "no_such_role")
