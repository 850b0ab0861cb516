"""Bulk loading through COPY, driven by the models' own fields at the time of the run.

`Table(model)` turns a dict of generated values into a row with a value for every concrete column of the model:
the generator names the fields it knows about; every other field gets its model default (a callable default is
called per row), `now` for auto_now(_add), NULL when nullable, "" when blank text. A required field nobody provides
fails at once with its name, so a new field added by another app is either filled automatically or reported.

`deferred_indexes(tables)` drops the secondary indexes, unique and foreign-key constraints of the tables while
loading and recreates them (same names, same definitions, read from the catalog) afterwards: building an index once
over sorted data is much cheaper than maintaining it row by row.
"""

import contextlib
import time
import uuid

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

_UNSET = object()


class MissingValue(Exception):
    pass


class Table:
    """One model's table and a COPY writer for it."""

    def __init__(self, model, rng=None):
        self.model = model
        self.rng = rng
        self.name = model._meta.db_table
        self.fields = [field for field in model._meta.concrete_fields]
        self.columns = [field.column for field in self.fields]
        self.count = 0
        now = timezone.now()
        self._fillers = []
        for field in self.fields:
            self._fillers.append((field.attname, self._filler(field, now), isinstance(field, models.JSONField)))

    def _filler(self, field, now):
        """A function giving the value of a field the generator did not set (or _UNSET: must be given)."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return lambda: now
        if field.has_default():
            default = field.default
            if callable(default):
                if default is uuid.uuid4:
                    return self.uuid
                if default in (timezone.now,):
                    return lambda: now
                if default is timezone.localdate:
                    today = timezone.localdate()
                    return lambda: today
                return default
            return lambda: default
        if field.null:
            return lambda: None
        if field.blank and isinstance(field, (models.CharField, models.TextField)):
            return lambda: ""
        return _UNSET

    def uuid(self):
        """A version-4 UUID drawn from the run's random generator (deterministic from the seed)."""
        if self.rng is None:
            return uuid.uuid4()
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def row(self, values):
        out = []
        for attname, filler, is_json in self._fillers:
            value = values.get(attname, _UNSET)
            if value is _UNSET:
                if filler is _UNSET:
                    raise MissingValue(f"{self.model._meta.label}.{attname} 没有默认值，生成器也未提供")
                value = filler()
            if is_json and value is not None:
                value = Jsonb(value)
            out.append(value)
        return out

    @contextlib.contextmanager
    def copy(self, batch=20000):
        """with table.copy() as write: write({...}). Rows are buffered and sent in batches, one COPY each, so
        several tables can be written at once over one connection (a connection runs one COPY at a time)."""
        buffer = []
        row = self.row

        def write(values):
            buffer.append(row(values))
            self.count += 1
            if len(buffer) >= batch:
                self._flush(buffer)
                buffer.clear()

        yield write
        self._flush(buffer)

    def _flush(self, rows):
        if not rows:
            return
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(self.name)} ({columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for values in rows:
                    write_row(values)


def reset_sequences(tables):
    """Point each table's id sequence past the largest id loaded (ids are assigned by the generator)."""
    with connection.cursor() as cursor:
        for table in tables:
            pk = table.model._meta.pk
            if not isinstance(pk, models.AutoField):  # BigAutoField and SmallAutoField subclass it
                continue
            # Table and column names come from the models, not from input.
            sql = (
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({pk.column}) FROM "  # noqa: S608  # nosec B608
                f"{connection.ops.quote_name(table.name)}), 0) + 1, false)"
            )
            cursor.execute(sql, [table.name, pk.column])


def max_id(model):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM "  # noqa: S608  # nosec B608
            f"{connection.ops.quote_name(model._meta.db_table)}"
        )
        return cursor.fetchone()[0]


_CONSTRAINTS = """
SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid), c.contype
FROM pg_constraint c
WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'p', 'x'))
"""


def _deferrable(table_names):
    """(drop statements, create statements) for the secondary indexes and the unique/foreign-key constraints."""
    drops, creates = [], []
    with connection.cursor() as cursor:
        cursor.execute(_CONSTRAINTS, [list(table_names)])
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES, [list(table_names)])
        indexes = cursor.fetchall()
    # Foreign keys first (they may depend on a unique constraint of another loaded table), re-added last.
    for name, table, _definition, _kind in sorted(constraints, key=lambda c: c[3] != "f"):
        drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, definition in indexes:
        drops.append(f"DROP INDEX {name}")
        creates.append(definition)
    for name, table, definition, _kind in sorted(constraints, key=lambda c: c[3] == "f"):
        creates.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return drops, creates


@contextlib.contextmanager
def deferred_indexes(table_names, log=print, ddl_file=None):
    """Drop the secondary indexes and unique/foreign-key constraints of these tables, recreate them on exit."""
    drops, creates = _deferrable(table_names)
    if ddl_file:
        with open(ddl_file, "w", encoding="utf-8") as handle:
            handle.write(";\n".join(creates) + ";\n")
    with connection.cursor() as cursor:
        for statement in drops:
            cursor.execute(statement)
    log(f"已暂时移除 {len(drops)} 个索引/约束")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in creates:
                cursor.execute(statement)
        log(f"重建 {len(creates)} 个索引/约束：{time.monotonic() - started:.0f} 秒")
