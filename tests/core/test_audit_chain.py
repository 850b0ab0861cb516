"""The audit log's keyed hash chain, its anchors, its retention purge, and the application role's privileges."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent


@pytest.fixture(autouse=True)
def anchor_path(settings, tmp_path):
    """Each test its own anchor folder: never the developer's var/audit-anchors."""
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors"
    return settings.AUDIT_ANCHOR_PATH


@pytest.fixture
def events(staff):
    return [audit.record(staff, audit.Action.VIEW, "vetting.case.viewed", summary=f"查看 {n}") for n in range(5)]


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
class TestAnchors:
    """GB/T 22239-2019 (等保2.0 三级) 8.1.4.3 c): audit records are protected against unexpected deletion. The chain
    cannot show its newest rows removed; the signed head kept outside the database (issue 22) does."""

    def more(self, staff, n=2):
        return [audit.record(staff, audit.Action.VIEW, "vetting.case.viewed", summary=f"再查看 {i}") for i in range(n)]

    def test_an_untouched_log_agrees_with_its_anchor(self, events, staff, capsys):
        audit.write_anchor()
        self.more(staff)  # events after the anchor are fine: the log only grows
        assert audit.check_anchors()[0] == []
        call_command("verify_audit_log")
        assert f"记录到第 {events[-1].pk} 条" in capsys.readouterr().out

    def test_the_anchor_is_a_signed_line_in_a_private_file(self, events, anchor_path):
        anchor = audit.write_anchor("backup")
        path = audit.anchor_file()
        assert path.parent == anchor_path and oct(path.stat().st_mode & 0o777) == "0o600"
        line = json.loads(path.read_text().splitlines()[-1])
        assert (line["id"], line["hash"], line["reason"]) == (events[-1].pk, events[-1].row_hash, "backup")
        assert audit.Anchor.from_signed(line) == anchor

    def test_deleting_the_newest_rows_is_detected(self, events, capsys):
        audit.write_anchor()
        as_superuser("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
        assert audit.verify_chain() == []  # the chain alone cannot see it
        problems, _ = audit.check_anchors()
        assert problems == [f"审计日志被截短：{audit.read_anchors(audit.anchor_file())[0][0].at} 的锚点记录最新为第 "
                            f"{events[4].pk} 条，日志现在只到第 {events[2].pk} 条，其后的记录已被删除。"]
        with pytest.raises(CommandError, match="审计日志被截短"):
            call_command("verify_audit_log")

    def test_deleting_the_newest_rows_then_writing_on_is_detected(self, events, staff):
        audit.write_anchor()
        as_superuser("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
        self.more(staff)  # the new rows link to the shortened head: the chain is consistent again
        assert audit.verify_chain() == []
        assert audit.check_anchors()[0] == [f"{audit.read_anchors(audit.anchor_file())[0][0].at} 的锚点所记第 "
                                            f"{events[4].pk} 条已不在日志中：被删除。"]

    def test_a_forged_anchor_line_is_reported_and_ignored(self, events, settings, capsys):
        audit.write_anchor()
        settings.AUDIT_LOG_KEY = "00" * 16  # a line written by someone without the key
        forged = audit.Anchor(id=events[1].pk, hash="0" * 64, at="2026-12-04T00:00:00+00:00", reason="daily").signed()
        settings.AUDIT_LOG_KEY = "746573742d61756469742d636861696e2d6b6579"
        with audit.anchor_file().open("a") as file:
            file.write(json.dumps(forged) + "\n")
        problems, latest = audit.check_anchors()
        assert problems == [f"锚点文件 {audit.anchor_file().name} 第 2 行签名不符：伪造或被改动，已忽略。"]
        assert latest.id == events[-1].pk
        with pytest.raises(CommandError, match="第 2 行签名不符"):
            call_command("verify_audit_log")

    def test_an_anchored_row_rewritten_is_reported(self, events):
        audit.write_anchor()
        as_superuser("UPDATE core_auditevent SET row_hash = %s WHERE id = %s", ["f" * 64, events[-1].pk])
        assert any("与" in problem and "锚点不符" in problem for problem in audit.check_anchors()[0])

    def test_a_restore_starts_the_anchors_again(self, events):
        audit.write_anchor()
        as_superuser("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
        head = AuditEvent.objects.get(pk=events[2].pk)
        now = datetime.datetime.now(datetime.UTC).isoformat()
        audit.append_anchor(audit.Anchor(head.pk, head.row_hash, now, audit.ANCHOR_RESTORE))
        assert audit.check_anchors()[0] == []

    def test_a_replayed_old_restore_line_does_not_excuse_a_shortened_log(self, events):
        """A genuine but old line copied to the end of the file (no key needed) is refused by its time."""
        head = AuditEvent.objects.get(pk=events[1].pk)
        old_restore = audit.Anchor(head.pk, head.row_hash, "2026-01-01T00:00:00+00:00", audit.ANCHOR_RESTORE)
        audit.append_anchor(old_restore)
        audit.write_anchor()
        as_superuser("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
        audit.append_anchor(old_restore)
        problems, _ = audit.check_anchors()
        assert problems[0] == (f"锚点文件 {audit.anchor_file().name} 第 3 行时间早于前一行（重放的旧锚点）："
                               "伪造或被改动，已忽略。")
        assert problems[1].startswith("审计日志被截短")

    def test_anchors_of_purged_events_do_not_count(self):
        old = TestRetention.old_event(None, 400)
        audit.write_anchor()
        TestRetention.old_event(None, 10)
        call_command("purge_audit_log", "--before", (timezone.localdate() - datetime.timedelta(days=200)).isoformat())
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
        assert audit.check_anchors()[0] == []

    def test_without_anchors_verification_says_so(self, events, capsys):
        call_command("verify_audit_log")
        assert "尚无锚点" in capsys.readouterr().out

    def test_daily_beat_task_writes_an_anchor(self, events, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["anchor-audit-log-daily"]
        assert entry["task"] == "core.tasks.anchor_audit_log"
        from core.tasks import anchor_audit_log

        assert anchor_audit_log.delay().get()["id"] == events[-1].pk
        assert audit.read_anchors(audit.anchor_file())[0][-1].reason == "daily"


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
            audit.record(staff, audit.Action.VIEW, "vetting.case.viewed")
            assert AuditEvent.objects.count() == 1

    def test_unknown_role_gets_a_clear_message(self):
        with pytest.raises(CommandError, match="不存在"):
            call_command("grant_app_role", "no_such_role")
