"""make backup / make restore / make restore-check: a round trip of the demo data and the attachments, and the faults
of issue 22 (truncated, junk and incomplete archives): a restore is all or nothing."""

import hashlib
import json
import subprocess
import tarfile

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core import audit
from core.backup import DUMP_NAME, MANIFEST_NAME, _connect, _connect_kwargs, _pg_args, describe


def admin():
    return psycopg.connect(**_connect_kwargs(connection.settings_dict, "postgres"), autocommit=True)


def drop_database(name):
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def databases_like(prefix):
    with admin() as conn:
        return [name for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                                 [prefix.replace("_", r"\_") + "%"])]


def contents(dbname):
    with _connect(connection.settings_dict, dbname) as conn:
        return describe(conn)


@pytest.fixture(autouse=True)
def anchor_path(settings, tmp_path):
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors"
    return settings.AUDIT_ANCHOR_PATH


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    for leftover in databases_like(name):
        drop_database(leftover)
    yield name
    for leftover in databases_like(name):
        drop_database(leftover)


@pytest.fixture
def existing_target(restored_name):
    """A database already in place (e.g. production) that a failed restore must leave exactly as it was."""
    with admin() as conn:
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    with psycopg.connect(**_connect_kwargs(connection.settings_dict, restored_name), autocommit=True) as conn:
        conn.execute("CREATE TABLE marker (note text); INSERT INTO marker VALUES ('原库')")
    return restored_name


def marker(dbname):
    with psycopg.connect(**_connect_kwargs(connection.settings_dict, dbname)) as conn:
        return conn.execute("SELECT note FROM marker").fetchone()[0]


@pytest.fixture
def archive(transactional_db, tmp_path, settings, staff):
    """A good backup of a small database: a user, audit events, one attachment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    for n in range(3):
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary=f"查看 {n}")
    call_command("backup", "--output", str(tmp_path / "backups"))
    (path,) = (tmp_path / "backups").glob("cadre-backup-*.tar.gz")
    return path


def rebuild(archive_path, target, dump=None, **manifest_changes):
    """The archive with another dump and/or manifest values, re-signed with the key (as if made by a faulty
    backup, so that the check after pg_restore is what must catch it)."""
    with tarfile.open(archive_path) as source:
        manifest = json.load(source.extractfile(MANIFEST_NAME))
        dump_bytes = dump if dump is not None else source.extractfile(DUMP_NAME).read()
    manifest.pop("sig")
    manifest.update(dump_sha256=hashlib.sha256(dump_bytes).hexdigest(), **manifest_changes)
    manifest["sig"] = audit.sign("manifest", manifest)
    (target.parent / DUMP_NAME).write_bytes(dump_bytes)
    (target.parent / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with tarfile.open(target, "w:gz") as result:
        result.add(target.parent / MANIFEST_NAME, arcname=MANIFEST_NAME)
        result.add(target.parent / DUMP_NAME, arcname=DUMP_NAME)
    return target


def assert_refused(archive_path, target, match, tmp_path, replace=False):
    media = tmp_path / "restored-media"
    with pytest.raises(CommandError, match=match) as refusal:
        call_command("restore", str(archive_path), "--database", target, "--media-root", str(media),
                     *(["--replace"] if replace else []))
    assert databases_like(f"{target}_restoring") == []  # the scratch database is gone
    assert not media.exists()
    return str(refusal.value)


def test_backup_and_restore_round_trip(transactional_db, tmp_path, settings, restored_name):
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "a1b2.pdf").write_bytes(b"%PDF-1.4 test attachment")
    (media / "lrmx.xml").write_text("<Person/>", encoding="utf-8")
    settings.MEDIA_ROOT = media
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    source = contents(connection.settings_dict["NAME"])
    source_files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert source["tables"]["core_user"]["rows"] > 0 and source["tables"]["core_unit"]["rows"] > 0

    call_command("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("cadre-backup-*.tar.gz")
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), "--database", restored_name, "--media-root", str(restored_media))

    restored = contents(restored_name)
    assert restored["tables"] == source["tables"]  # every table, its row count and checksum
    for kind in ("indexes", "constraints", "triggers"):
        assert restored[kind] == source[kind] and restored[kind]
    assert ["core_auditevent", "core_auditevent_append_only", "O"] in restored["triggers"]  # enabled
    assert databases_like(f"{restored_name}_restoring") == []
    restored_files = sorted(p.relative_to(restored_media).as_posix() for p in restored_media.rglob("*") if p.is_file())
    assert restored_files == source_files and "lrmx.xml" in restored_files
    assert (restored_media / "attachments/2026/a1b2.pdf").read_bytes() == b"%PDF-1.4 test attachment"


def test_the_manifest_and_the_anchor_hold_the_backups_audit_head(archive):
    head = audit.AuditEvent.objects.order_by("-id").first()
    with tarfile.open(archive) as source:
        manifest = json.load(source.extractfile(MANIFEST_NAME))
    assert audit.Anchor.from_signed(manifest["audit_anchor"]).id == head.pk
    assert manifest["tables"]["core_auditevent"]["rows"] == audit.AuditEvent.objects.count()
    (anchor,), _ = audit.read_anchors(audit.anchor_file())
    assert (anchor.id, anchor.hash, anchor.reason) == (head.pk, head.row_hash, "backup")


@pytest.mark.parametrize("cut", ["half", "tail"])
def test_a_truncated_archive_is_refused_and_the_target_untouched(archive, tmp_path, existing_target, cut):
    data = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2] if cut == "half" else data[:-64])
    assert_refused(truncated, existing_target, "恢复失败，未做任何改动：备份文件 truncated.tar.gz 不完整或已损坏",
                   tmp_path, replace=True)
    assert marker(existing_target) == "原库"


def test_a_junk_file_is_refused_with_a_sentence(archive, tmp_path, restored_name):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a backup\n" * 100)
    assert_refused(junk, restored_name, "junk.tar.gz 不是本系统的备份文件（不是 gzip 压缩包）", tmp_path)
    assert databases_like(restored_name) == []


def test_a_dump_that_cannot_be_restored_leaves_nothing_behind(archive, tmp_path, existing_target):
    """A small truncated dump (checksum re-signed, as from a faulty backup) used to leave an empty database."""
    with tarfile.open(archive) as source:
        dump = source.extractfile(DUMP_NAME).read()
    bad = rebuild(archive, tmp_path / "short-dump.tar.gz", dump=dump[: len(dump) * 2 // 3])
    assert_refused(bad, existing_target, "数据库转储无法完整恢复|与备份清单不符", tmp_path, replace=True)
    assert marker(existing_target) == "原库"


def test_a_dump_without_indexes_constraints_and_triggers_is_refused(archive, tmp_path, restored_name):
    """Issue 22: every row but no primary keys, indexes, unique constraints or append-only trigger passed before."""
    db = connection.settings_dict
    rows_only = tmp_path / "rows-only.dump"
    subprocess.run(["pg_dump", "--format=custom", "--section=pre-data", "--section=data", "--no-owner", "-f",
                    str(rows_only), *_pg_args(db)], check=True)
    bad = rebuild(archive, tmp_path / "rows-only.tar.gz", dump=rows_only.read_bytes())
    message = assert_refused(bad, restored_name, "恢复后的数据库与备份清单不符，已放弃", tmp_path)
    assert "缺少或状态不同的索引" in message and "缺少或状态不同的约束" in message
    assert "缺少或状态不同的触发器" in message and "core_auditevent.core_auditevent_append_only" in message
    assert databases_like(restored_name) == []


def test_row_counts_differing_from_the_manifest_are_refused(archive, tmp_path, restored_name):
    with tarfile.open(archive) as source:
        tables = json.load(source.extractfile(MANIFEST_NAME))["tables"]
    tables["core_auditevent"]["rows"] += 1
    bad = rebuild(archive, tmp_path / "counts.tar.gz", tables=tables)
    assert_refused(bad, restored_name, "数据表 core_auditevent 与清单不符", tmp_path)


def test_a_manifest_changed_without_the_key_is_refused(archive, tmp_path, restored_name, settings):
    settings.AUDIT_LOG_KEY = "00" * 16
    bad = rebuild(archive, tmp_path / "forged.tar.gz")
    settings.AUDIT_LOG_KEY = "746573742d61756469742d636861696e2d6b6579"
    assert_refused(bad, restored_name, "清单的签名不符", tmp_path)


def test_a_restored_log_shorter_than_the_backups_anchor_is_refused(archive, tmp_path, restored_name, settings):
    with tarfile.open(archive) as source:
        anchor = audit.Anchor.from_signed(json.load(source.extractfile(MANIFEST_NAME))["audit_anchor"])
    ahead = audit.Anchor(anchor.id + 5, "0" * 64, anchor.at, "backup").signed()
    bad = rebuild(archive, tmp_path / "ahead.tar.gz", audit_anchor=ahead)
    assert_refused(bad, restored_name, "审计日志被截短", tmp_path)


def test_replace_keeps_the_old_database_aside_and_anchors_the_restore(archive, tmp_path, existing_target, capsys):
    call_command("restore", str(archive), "--database", existing_target, "--media-root", str(tmp_path / "m"),
                 "--replace")
    output = capsys.readouterr().out
    (aside,) = databases_like(f"{existing_target}_before_restore")
    assert aside in output and marker(aside) == "原库"
    assert contents(existing_target)["tables"]["core_auditevent"]["rows"] == 3
    anchors, _ = audit.read_anchors(audit.anchor_file(existing_target))
    assert anchors[-1].reason == audit.ANCHOR_RESTORE


def test_restore_check_compares_and_drops_its_database(archive, capsys):
    call_command("restore_check", str(archive))
    output = capsys.readouterr().out
    assert "core_auditevent" in output and "恢复演练通过" in output
    assert databases_like(f"{connection.settings_dict['NAME'][:36]}_restore_check") == []


def test_restore_check_of_a_truncated_archive_fails_with_a_sentence(archive, tmp_path):
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:-64])
    with pytest.raises(CommandError, match="恢复演练失败：备份文件 cut.tar.gz 不完整或已损坏"):
        call_command("restore_check", str(truncated))


def test_restore_refuses_an_existing_database(archive):
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore", str(archive), "--database", connection.settings_dict["NAME"])


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), "--database", "x")
