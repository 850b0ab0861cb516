"""make backup / make restore: a round trip of the demo data and the attachments."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import _connect_kwargs


def row_counts(dbname):
    with psycopg.connect(**_connect_kwargs(connection.settings_dict, dbname)) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def drop_database(name):
    with psycopg.connect(**_connect_kwargs(connection.settings_dict, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    drop_database(name)
    yield name
    drop_database(name)


def test_backup_and_restore_round_trip(transactional_db, tmp_path, settings, restored_name):
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "a1b2.pdf").write_bytes(b"%PDF-1.4 test attachment")
    (media / "lrmx.xml").write_text("<Person/>", encoding="utf-8")
    settings.MEDIA_ROOT = media
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    source_counts = row_counts(connection.settings_dict["NAME"])
    source_files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert source_counts["core_user"] > 0 and source_counts["core_unit"] > 0

    call_command("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("cadre-backup-*.tar.gz")
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), "--database", restored_name, "--media-root", str(restored_media))

    assert row_counts(restored_name) == source_counts
    restored_files = sorted(p.relative_to(restored_media).as_posix() for p in restored_media.rglob("*") if p.is_file())
    assert restored_files == source_files and "lrmx.xml" in restored_files
    assert (restored_media / "attachments/2026/a1b2.pdf").read_bytes() == b"%PDF-1.4 test attachment"


def test_restore_refuses_an_existing_database(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", "--output", str(tmp_path))
    (archive,) = tmp_path.glob("cadre-backup-*.tar.gz")
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore", str(archive), "--database", connection.settings_dict["NAME"])


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), "--database", "x")
