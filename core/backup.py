"""Backup and restore: one timestamped .tar.gz holding a compressed pg_dump and the attachments (MEDIA_ROOT).
The PostgreSQL client tools run with argument lists, never through a shell."""

import datetime
import os
import shutil
import subprocess  # nosec B404
import tarfile
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings

DUMP_NAME = "database.dump"
MEDIA_DIR = "media"


class BackupError(Exception):
    pass


def _pg_env(db):
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db, name=None):
    return ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres",
            "-d", name or db["NAME"]]


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 执行失败：{result.stderr.strip()[:500]}")


def backup(output_dir, db=None, media_root=None):
    """Write cadre-backup-<timestamp>.tar.gz into output_dir; returns its path."""
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"cadre-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP_NAME
        _run(["pg_dump", "--format=custom", "--compress=6", "--no-owner", "-f", str(dump), *_pg_args(db)],
             _pg_env(db))
        with tarfile.open(target, "w:gz") as archive:
            archive.add(dump, arcname=DUMP_NAME)
            if media_root.exists():
                archive.add(media_root, arcname=MEDIA_DIR)
    return target


def _database_exists(db, name):
    with psycopg.connect(**_connect_kwargs(db, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _connect_kwargs(db, name):
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or None, "dbname": name}


def restore(archive_path, database_name, media_root, db=None):
    """Restore an archive into a database that does not exist yet, and its attachments into media_root."""
    db = db or settings.DATABASES["default"]
    archive_path, media_root = Path(archive_path), Path(media_root)
    if not archive_path.is_file():
        raise BackupError(f"备份文件不存在：{archive_path}")
    if _database_exists(db, database_name):
        raise BackupError(f"数据库 {database_name} 已存在；恢复只写入新建的数据库，请换一个库名或先行处理。")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")  # refuses absolute paths and links out of the folder
        dump = Path(work) / DUMP_NAME
        if not dump.is_file():
            raise BackupError("备份文件中没有数据库转储，不是本系统的备份。")
        with psycopg.connect(**_connect_kwargs(db, "postgres"), autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                psycopg.sql.Identifier(database_name)))
        _run(["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(db, database_name), str(dump)], _pg_env(db))
        media = Path(work) / MEDIA_DIR
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
