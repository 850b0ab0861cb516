"""Backup and restore: one timestamped .tar.gz holding a compressed pg_dump, the attachments (MEDIA_ROOT) and a
signed manifest (every table's row count and checksum, the indexes, constraints, triggers and sequences, the
checksums of the dump and of each attachment, and the audit chain's head).

The dump and the manifest are read in one snapshot, so they describe the same database. A restore goes into a
scratch database, is compared with the manifest and only then renamed into place; on any failure the scratch
database is dropped and the target is left as it was. The PostgreSQL client tools run with argument lists, never
through a shell."""

import datetime
import gzip
import hashlib
import json
import os
import secrets
import shutil
import subprocess  # nosec B404
import tarfile
import tempfile
import zlib
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql
from psycopg.types.string import TextLoader

from core import audit

DUMP_NAME = "database.dump"
MEDIA_DIR = "media"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "cadre-backup/1"
# The same text form of every value in the backup's session and the check's, so the row checksums compare.
_SESSION = ("SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET IntervalStyle = 'postgres'",
            "SET extra_float_digits = 3", "SET bytea_output = 'hex'")


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


def _run(command, env, failure):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{failure}：{result.stderr.strip()[:500]}")


def _connect_kwargs(db, name):
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or None, "dbname": name}


def _connect(db, name):
    conn = psycopg.connect(**_connect_kwargs(db, name), autocommit=True)
    conn.adapters.register_loader("inet", TextLoader)  # addresses as text, as the ORM reads them for the chain
    for statement in _SESSION:
        conn.execute(statement)
    return conn


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- What a database holds: compared between the backup and the restored copy ----------------------------------

def describe(conn):
    """Tables (rows, checksum), indexes, constraints, triggers and sequences of the public schema."""
    def rows(query):
        return [list(row) for row in conn.execute(query).fetchall()]

    tables = [name for (name,) in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') "
        "ORDER BY relname").fetchall()]
    return {
        "tables": {table: _table_summary(conn, table) for table in tables},
        "indexes": rows("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"),
        "constraints": rows("SELECT conrelid::regclass::text, conname, contype::text FROM pg_constraint "
                            "WHERE connamespace = 'public'::regnamespace AND conrelid <> 0 ORDER BY 1, 2"),
        "triggers": rows("SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger t "
                         "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace "
                         "AND NOT t.tgisinternal ORDER BY 1, 2"),
        "sequences": dict(conn.execute("SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
                                       "WHERE schemaname = 'public'").fetchall()),
    }


def _table_summary(conn, table):
    # An order-independent sum of row hashes: no sort and constant memory on large tables.
    query = sql.SQL("SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text "
                    "FROM {} AS t").format(sql.Identifier(table))
    count, checksum = conn.execute(query).fetchone()
    return {"rows": count, "checksum": checksum}


# --- Backup --------------------------------------------------------------------------------------------------------

@contextmanager
def _snapshot(db):
    """A read-only repeatable-read transaction whose snapshot pg_dump shares (--snapshot)."""
    with _connect(db, db["NAME"]) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield conn, conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        finally:
            conn.execute("ROLLBACK")


def backup(output_dir, db=None, media_root=None):
    """Write cadre-backup-<timestamp>.tar.gz into output_dir and anchor the audit chain; returns its path."""
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"cadre-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP_NAME
        with _snapshot(db) as (conn, snapshot):
            _run(["pg_dump", "--format=custom", "--compress=6", "--no-owner", f"--snapshot={snapshot}", "-f",
                  str(dump), *_pg_args(db)], _pg_env(db), "pg_dump 执行失败")
            contents = describe(conn)
            with conn.cursor() as cursor:
                anchor = audit.head_anchor("backup", cursor)
        manifest = _manifest(db, contents, anchor, _sha256(dump),
                             {p.relative_to(media_root).as_posix(): _sha256(p) for p in media})
        (Path(work) / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        audit.append_anchor(anchor, db["NAME"])
        _write_archive(target, Path(work), media_root, media)
    return target


def _manifest(db, contents, anchor, dump_sha256, media):
    body = {"format": MANIFEST_FORMAT, "database": db["NAME"], "created": datetime.datetime.now(datetime.UTC)
            .isoformat(timespec="seconds"), "dump_sha256": dump_sha256, "media": media,
            "audit_anchor": anchor.signed(), **contents}
    return {**body, "sig": audit.sign("manifest", body)}


def _write_archive(target, work, media_root, media):
    # Written under another name and renamed: an interrupted backup never looks like a finished one.
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(work / MANIFEST_NAME, arcname=MANIFEST_NAME)
        archive.add(work / DUMP_NAME, arcname=DUMP_NAME)
        for path in media:
            archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
    partial.rename(target)


# --- Reading an archive --------------------------------------------------------------------------------------------

def unpack(archive_path, work):
    """Extract into `work` and check the manifest's signature and the dump's checksum; returns the manifest."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"备份文件不存在：{archive_path}")
    _read_through(archive_path)
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise BackupError(f"{archive_path.name} 不是本系统的备份文件（不是 tar 包）。") from None
    try:
        with archive:
            archive.extractall(work, filter="data")  # refuses absolute paths and links out of the folder
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"备份文件 {archive_path.name} 不完整或已损坏（{error}）。") from None
    manifest = _read_manifest(Path(work) / MANIFEST_NAME)
    dump = Path(work) / DUMP_NAME
    if not dump.is_file():
        raise BackupError("备份文件中没有数据库转储，不是本系统的备份。")
    if _sha256(dump) != manifest["dump_sha256"]:
        raise BackupError("数据库转储的校验和与清单不符：转储不完整或被改动。")
    return manifest


def _read_through(archive_path):
    """Decompress to the end: gzip's length and CRC there show a cut file, which tar alone may not notice when
    only the padding after the last member is lost."""
    try:
        with gzip.open(archive_path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except gzip.BadGzipFile:
        raise BackupError(f"{archive_path.name} 不是本系统的备份文件（不是 gzip 压缩包）。") from None
    except (EOFError, OSError, zlib.error) as error:
        raise BackupError(f"备份文件 {archive_path.name} 不完整或已损坏（{error}），可能在复制时被截断。") from None


def _read_manifest(path):
    if not path.is_file():
        raise BackupError("备份文件中没有清单（manifest.json）：不是本系统的备份，或是加入清单之前的旧备份"
                          "（旧备份只能按 docs/operations.md 手工恢复）。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        body = {key: value for key, value in manifest.items() if key != "sig"}
        signed = secrets.compare_digest(str(manifest["sig"]), audit.sign("manifest", body))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("备份清单已损坏，无法读取。") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"备份清单的格式 {manifest.get('format')} 不是本版本能恢复的 {MANIFEST_FORMAT}。")
    if not signed:
        raise BackupError("备份清单的签名不符：备份被改动，或本机的 AUDIT_LOG_KEY 与备份时不同。")
    return manifest


# --- Checking a restored copy against the manifest -------------------------------------------------------------------

@dataclass
class Comparison:
    """What the restored copy holds against what the manifest says; `problems` in Chinese, empty when equal."""
    tables: list = field(default_factory=list)  # (table, rows in the manifest, rows restored or None, same checksum)
    problems: list = field(default_factory=list)

    def lines(self):
        yield f"{'表':<40}{'清单行数':>10}{'恢复行数':>10}  结果"
        for table, expected, actual, same in self.tables:
            verdict = "一致" if actual == expected and same else ("缺表" if actual is None else "不符")
            yield f"{table:<40}{expected:>10}{'-' if actual is None else actual:>10}  {verdict}"


def compare(manifest, restored, audit_problems=()):
    result = Comparison()
    for table, expected in manifest["tables"].items():
        actual = restored["tables"].get(table)
        result.tables.append((table, expected["rows"], actual and actual["rows"], actual == expected))
        if actual is None:
            result.problems.append(f"缺少数据表 {table}。")
        elif actual != expected:
            result.problems.append(f"数据表 {table} 与清单不符：清单 {expected['rows']} 行，恢复后 {actual['rows']} 行"
                                   + ("（行数相同，内容校验和不同）。" if actual["rows"] == expected["rows"] else "。"))
    for kind, label in (("indexes", "索引"), ("constraints", "约束"), ("triggers", "触发器")):
        missing = {tuple(item) for item in manifest[kind]} - {tuple(item) for item in restored[kind]}
        if missing:
            shown = "、".join(f"{item[0]}.{item[1]}" for item in sorted(missing)[:10])
            more = " 等" if len(missing) > 10 else ""
            result.problems.append(f"缺少或状态不同的{label} {len(missing)} 个：{shown}{more}。")
    behind = [name for name, value in manifest["sequences"].items() if restored["sequences"].get(name, -1) < value]
    if behind:
        result.problems.append(f"序列未恢复到备份时的值：{'、'.join(sorted(behind)[:10])}。")
    result.problems += list(audit_problems)
    return result


def _restored_events(conn):
    """The restored copy's audit events in id order, read in batches through a server-side cursor."""
    columns = [*audit.HASHED_FIELDS, "prev_hash", "row_hash"]
    query = sql.SQL("SELECT {} FROM core_auditevent ORDER BY id").format(
        sql.SQL(", ").join(sql.Identifier(column) for column in columns))
    with conn.transaction(), conn.cursor(name="restored_audit_events") as cursor:
        cursor.itersize = 5000
        cursor.execute(query)
        for row in cursor:
            yield audit.AuditEvent(**dict(zip(columns, row, strict=True)))


def _audit_problems(conn, manifest):
    try:
        anchor = audit.Anchor.from_signed(manifest["audit_anchor"])
    except ValueError as error:
        return [f"清单中的审计日志锚点{error}。"]
    bad = audit.verify_events(_restored_events(conn))
    problems = [f"审计日志哈希链有 {len(bad)} 条记录不符（编号 {'、'.join(map(str, bad[:20]))}）。"] if bad else []
    with conn.cursor() as cursor:
        return problems + audit.anchor_problems([anchor], cursor)


def _check_media(work, manifest):
    media = Path(work) / MEDIA_DIR
    wrong = [name for name, digest in manifest["media"].items()
             if not (media / name).is_file() or _sha256(media / name) != digest]
    return [f"附件 {len(wrong)} 个缺失或与清单不符：{'、'.join(wrong[:10])}。"] if wrong else []


# --- Restore ------------------------------------------------------------------------------------------------------

def _admin(db):
    return psycopg.connect(**_connect_kwargs(db, "postgres"), autocommit=True)


def _database_exists(db, name):
    with _admin(db) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _scratch_name(target, word):
    return f"{target[:36]}_{word}_{secrets.token_hex(4)}"  # within PostgreSQL's 63 characters


def _drop_database(db, name):
    with _admin(db) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _restore_and_compare(db, work, manifest, name):
    """Create database `name`, pg_restore the dump into it and compare it with the manifest."""
    with _admin(db) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    _run(["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(db, name), str(Path(work) / DUMP_NAME)],
         _pg_env(db), "数据库转储无法完整恢复")
    with _connect(db, name) as conn:
        restored, audit_problems = describe(conn), _audit_problems(conn, manifest)
    return compare(manifest, restored, audit_problems + _check_media(work, manifest))


def restore_check(archive_path, db=None):
    """The monthly drill: restore into a throwaway database, compare, drop it. Returns the Comparison."""
    db = db or settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as work:
        manifest = unpack(archive_path, work)
        scratch = _scratch_name(db["NAME"], "restore_check")
        try:
            return _restore_and_compare(db, work, manifest, scratch)
        except BackupError as error:
            return Comparison(problems=[str(error)])
        finally:
            _drop_database(db, scratch)


def restore(archive_path, database_name, media_root, db=None, replace=False):
    """Restore an archive into `database_name` and its attachments into media_root, all or nothing.

    The target must not exist, unless `replace`: then it is renamed aside (kept) once the restored copy has
    passed the check. Raises BackupError with the reason; the scratch database is then gone."""
    db = db or settings.DATABASES["default"]
    if not replace and _database_exists(db, database_name):
        raise BackupError(f"数据库 {database_name} 已存在；恢复只写入新建的数据库，请换一个库名或先行处理。")
    with tempfile.TemporaryDirectory() as work:
        manifest = unpack(archive_path, work)
        scratch = _scratch_name(database_name, "restoring")
        try:
            comparison = _restore_and_compare(db, work, manifest, scratch)
            if comparison.problems:
                raise BackupError("恢复后的数据库与备份清单不符，已放弃：\n" + "\n".join(comparison.problems))
            aside = _put_in_place(db, scratch, database_name, replace)
        except BaseException:
            _drop_database(db, scratch)
            raise
        if (Path(work) / MEDIA_DIR).exists():
            shutil.copytree(Path(work) / MEDIA_DIR, media_root, dirs_exist_ok=True)
    # The restored chain ends at the backup's head: later anchors of this database no longer apply.
    anchor = audit.Anchor.from_signed(manifest["audit_anchor"])
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    audit.append_anchor(audit.Anchor(anchor.id, anchor.hash, now, audit.ANCHOR_RESTORE), database_name)
    return aside


def _put_in_place(db, scratch, target, replace):
    """Rename the checked copy to `target`; an existing target (replace) is renamed aside first. Returns the aside
    name or None."""
    aside = None
    with _admin(db) as conn:
        try:
            if replace and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
                aside = _scratch_name(target, "before_restore")
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(target),
                                                                             sql.Identifier(aside)))
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(scratch),
                                                                         sql.Identifier(target)))
        except psycopg.errors.ObjectInUse:
            raise BackupError(f"数据库 {target} 仍有连接：请先停止 web、worker 与 beat 再恢复。") from None
        except psycopg.errors.DuplicateDatabase:
            raise BackupError(f"数据库 {target} 在恢复期间被创建，未覆盖它。") from None
        except BaseException:
            if aside:
                with suppress(psycopg.Error):
                    conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(aside),
                                                                                 sql.Identifier(target)))
            raise
    return aside
