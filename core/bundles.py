"""Several querysets read in one SQL statement, for a page that shows many small lists about one object (the
integrity profile): each list costs a subquery instead of a round trip.

    lists = bundles.fetch({"positions": cadre.positions.all(), "measures": cadre.measures.all()})

`fetch` returns, for each name, what iterating the queryset would give (model instances with their
select_related objects and annotations, or the dicts/tuples of values()/values_list()). The statement is
`SELECT (SELECT json_agg(t) FROM (<query 1>) t), (SELECT json_agg(t) FROM (<query 2>) t), …`; each query keeps
its own ordering, filters and joins.

`run` drives code written as generators that yield the querysets they need (one, or a dict of them) and receive
their rows: every generator's next request is fetched together, one statement per round.

    def rule(cadres, on_date):
        rows = yield Thing.objects.filter(cadre__in=cadres)
        return {row.cadre_id: [...] for row in rows}

A plain function (not a generator) is called as before and its queries run on their own. With `bundle=False`
each request runs as its own query: the same code then serves large sets, where one JSON document would not fit.

`@steps` on such a generator function keeps it callable as a plain function (each request a query of its own, so
its callers and a set of thousands of cadres see no change); `task(function, *args)` gives the generator of a
`@steps` function, to run it with others, and calls any other function.

The statement is sent as a prepared statement (server-side binding): PostgreSQL plans thirty subqueries in 10–25 ms
and runs them in a few, so the connection (kept between requests, CONN_MAX_AGE) keeps the plan and the next
profile of the same shape skips the planning. A connection pooler in transaction mode would need this turned off.
"""

import functools
import inspect
import json
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

from core import compiled_sql

# Types that arrive from JSON as text or float and need the field's own parsing.
_PARSED = (models.DateField, models.TimeField, models.DecimalField, models.UUIDField, models.DurationField)


def fetch(querysets, using="default"):
    """{name: list of rows} of each queryset, read in one statement. See the module docstring."""
    compiled, parts, params = {}, [], []
    for name, queryset in querysets.items():
        if queryset._prefetch_related_lookups:
            raise ValueError(f"{name}: prefetch_related needs queries of its own; fetch the related rows as a list")
        try:
            compiler, sql, args = compiled_sql.compile_queryset(queryset, using)
        except EmptyResultSet:
            compiled[name] = None
            continue
        compiled[name] = compiler
        # The compiled SQL of a queryset, its parameters passed apart: no input is spelled into the text.
        parts.append(f"(SELECT coalesce(json_agg(t), '[]')::text FROM ({sql}) t)")  # noqa: S608  # nosec B608
        params.extend(args)
    texts = iter(())
    if parts:
        with _prepared_cursor(connections[using]) as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            texts = iter(cursor.fetchone())
    result = {}
    for name, queryset in querysets.items():
        compiler = compiled[name]
        records = [] if compiler is None else json.loads(next(texts), parse_float=Decimal)
        result[name] = [] if compiler is None else _rows(queryset, compiler, records, using)
    return result


class _PreparedCursor(ServerBindingCursor):
    """A psycopg cursor that binds on the server and prepares every statement it executes."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class _PreparedDebugWrapper(CursorWrapper):
    """Django's debug wrapper for a _PreparedCursor: a prepared execution leaves psycopg no query text to report, so
    the statement is logged (captured queries, the benchmark's EXPLAIN) with its parameters quoted in."""

    def execute(self, sql, params=None):
        with CursorDebugWrapper.debug_sql(self, self.db.ops.compose_sql(sql, params)):
            return super().execute(sql, params)


def _prepared_cursor(connection):
    """Django's cursor wrapper (execute wrappers, captured queries, error translation) around a _PreparedCursor."""
    connection.ensure_connection()
    raw = _PreparedCursor(connection.connection)
    return _PreparedDebugWrapper(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


def _rows(queryset, compiler, records, using):
    fields = [column[0].output_field for column in compiler.select]
    raw = [[_from_json(field, value) for field, value in zip(fields, record.values(), strict=True)]
           for record in records]
    rows = list(compiler.results_iter(results=[raw]))
    iterable = queryset._iterable_class
    if issubclass(iterable, ModelIterable):
        return _instances(compiler, rows, using)
    names = [*queryset.query.extra_select, *queryset.query.values_select, *queryset.query.annotation_select]
    if issubclass(iterable, ValuesIterable):
        return [dict(zip(names, row, strict=True)) for row in rows]
    if issubclass(iterable, ValuesListIterable):
        return [tuple(row) for row in rows]
    if issubclass(iterable, FlatValuesListIterable):
        return [row[0] for row in rows]
    raise ValueError(f"{iterable.__name__} is not supported by core.bundles")


def _from_json(field, value):
    """A JSON value as the database driver would have given it."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value)  # its from_db_value decodes the text
    if isinstance(field, _PARSED):
        return field.to_python(value)
    if isinstance(field, models.FloatField):
        return float(value)  # parse_float gave a Decimal
    if isinstance(field, models.BinaryField):
        return bytes.fromhex(value.removeprefix("\\x"))  # bytea arrives as "\x…"
    return value


def _instances(compiler, rows, using):
    """Model instances as ModelIterable builds them (select_related objects and annotations included)."""
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    instances = []
    for row in rows:
        instance = model.from_db(using, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in (annotations or {}).items():
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances


def run(tasks, bundle=True, using="default"):
    """{name: result} of each task: a generator is driven (see the module docstring), anything else is taken as
    its result. The requests of one round are fetched in one statement (`bundle`) or one query each."""
    driven = together(tasks)
    reply = None
    while True:
        try:
            request = driven.send(reply)
        except StopIteration as stop:
            return stop.value
        if bundle:
            reply = fetch(request, using)
        else:
            reply = {key: list(queryset) for key, queryset in request.items()}


def together(tasks):
    """Inside a generator, `results = yield from together({name: task})`: the tasks' requests go out in the same
    rounds (one dict of querysets per round); the result is {name: result}."""
    results, active, replies = {}, {}, {}
    for name, each in tasks.items():
        if inspect.isgenerator(each):
            active[name], replies[name] = each, None
        else:
            results[name] = each
    while active:
        wanted = {}
        for name, generator in list(active.items()):
            try:
                wanted[name] = generator.send(replies[name])
            except StopIteration as stop:
                results[name] = stop.value
                del active[name]
        if not wanted:
            break
        flat = {}
        for name, request in wanted.items():
            for key, queryset in (request.items() if isinstance(request, dict) else [(None, request)]):
                flat[(name, key)] = queryset
        fetched = yield flat
        for name, request in wanted.items():
            if isinstance(request, dict):
                replies[name] = {key: fetched[(name, key)] for key in request}
            else:
                replies[name] = fetched[(name, None)]
    return results


def steps(generator_function):
    """Decorator: see the module docstring."""

    @functools.wraps(generator_function)
    def call(*args, **kwargs):
        return run({None: generator_function(*args, **kwargs)}, bundle=False)[None]

    call.steps = generator_function
    return call


def task(function, *args, **kwargs):
    """The generator of a `@steps` function (for `run`), or the result of any other function."""
    return getattr(function, "steps", function)(*args, **kwargs)
