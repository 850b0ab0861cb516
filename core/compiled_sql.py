"""Compiled SQL kept per query shape, for core.bundles: a page that reads fifty small querysets (the integrity
profile) spent half its time having Django compile their SQL, the same text for every cadre.

A query's *shape* is its whole object graph (the Query, its joins, filters, annotations, ordering, subqueries) with
the values compared in filters taken out: a lookup's right-hand side (a number, text, date …, or a list of them)
and a Value's value. Those become parameters; everything else is part of the shape, value and all.

The first query of a shape is compiled three times: as it is, and twice with every taken-out value replaced by a
sentinel of its kind (two rounds, so that a constant that happens to equal a sentinel is not taken for one). The
shape is kept only if all three give the same SQL text and every parameter is either the same in all three (a
constant of the shape) or one taken-out value, as it is, in the driver's integer type or as a LIKE pattern of it
(Django's contains/startswith …); otherwise (a value that changes the text, a parameter derived some other way, an
object this module does not know) the shape is marked and always compiled. What Django decides from a value itself
is part of the shape: None and True/False, which stretch of the integer fields' ranges a number lies in, where an IN
list repeats itself. A later query of a kept shape takes the text and fills in its own values: no compiling.

`VERIFY` (set for the test suite) compiles every query anyway and fails loudly when the kept text or parameters
differ from Django's.
"""

import bisect
import datetime
import decimal
import threading
import uuid

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.expressions import BaseExpression, F, Value
from django.db.models.fields.related import ForeignObjectRel
from django.db.models.lookups import Lookup, PatternLookup
from django.db.models.query_utils import FilteredRelation
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.query import Query
from django.utils.tree import Node

VERIFY = False
MAX_SHAPES = 4000  # IN lists of every length are shapes of their own: a bound, then start again
MAX_VALUES = 2000  # taken-out values of one query (the sentinels' range has room for 6000)

_SCALARS = (str, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID, bytes)
# What is taken apart attribute by attribute; anything else unknown is compiled as it is.
_WALKED = (Query, Node, BaseExpression, F, Join, BaseTable, FilteredRelation)
# Attributes that do not make SQL of their own: the arguments an expression was built with, kept for deconstruct()
# and equality (the values are in them), the equality key made from them, and what an expression or query works
# out from its parts and caches on itself the first time it is asked (a model field's column expression is one
# object for the whole process, so that it is asked or not must not make another shape).
_SKIPPED = frozenset({"_constructor_args", "identity", "contains_aggregate", "contains_over_clause",
                      "contains_column_references", "_output_field_or_none", "allowed_default", "base_table"})
_TRUE, _FALSE, _NONE = object(), object(), object()
_EMPTY = object()  # a shape whose SQL is empty (EmptyResultSet)
_ALWAYS = object()  # a shape that is always compiled
_shapes = {}
_lock = threading.Lock()


class _Unknown(Exception):
    """Something in the query this module does not know how to take apart: compile it."""


def compile_queryset(queryset, using="default"):
    """(compiler, sql, params) of the queryset, as `queryset.query.get_compiler(using).as_sql(with_col_aliases=True)`
    gives them; raises EmptyResultSet as it does."""
    if not settings.COMPILED_SQL_CACHE:
        return _compile(queryset.query, using)
    try:
        shape = _Shape(queryset, using)
    except (_Unknown, RecursionError):
        return _compile(queryset.query, using)
    kept = _shapes.get(shape.key)
    if kept is None:
        return _learn(shape, queryset, using)
    if kept is _ALWAYS:
        return _compile(queryset.query, using)
    if kept is _EMPTY:
        result = None
    else:
        compiler, sql, plan = kept
        result = (compiler, sql, [shape.param(step, using) for step in plan])
    if VERIFY:
        _verify(result, queryset, using)
    if result is None:
        raise EmptyResultSet
    return result


def _compile(query, using):
    compiler = query.get_compiler(using=using)
    sql, params = compiler.as_sql(with_col_aliases=True)
    return compiler, sql, list(params)


def _compiled_or_empty(query, using):
    try:
        return _compile(query, using)
    except EmptyResultSet:
        return None


def _learn(shape, queryset, using):
    first = _compiled_or_empty(queryset.query, using)
    try:
        probes = []
        for round_ in (0, 1):
            with shape.sentinels(round_):
                probes.append(_compiled_or_empty(queryset.query, using))
    except Exception:  # a sentinel a field or lookup will not take: this shape is compiled every time
        kept = _ALWAYS
    else:
        kept = _plan(shape, first, probes, using)
    with _lock:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        _shapes[shape.key] = kept if kept is _EMPTY or kept is _ALWAYS else (first[0], first[1], kept)
    if first is None:
        raise EmptyResultSet
    return first


def _plan(shape, first, probes, using):
    """For each parameter: ("const", value) or ("leaf", index, wrap); _EMPTY or _ALWAYS for the whole shape. Two
    rounds of sentinels, so that a constant that happens to equal a sentinel is not taken for it."""
    compiled = [first, *probes]
    if any(result is None for result in compiled):
        return _EMPTY if all(result is None for result in compiled) else _ALWAYS
    if len({result[1] for result in compiled}) != 1 or len({len(result[2]) for result in compiled}) != 1:
        return _ALWAYS
    # A taken-out value may make no parameter (the outer query of a UNION is not compiled, only its parts): three
    # different values gave the same text, so it does not make text either.
    plan = []
    for value, *probed in zip(first[2], probes[0][2], probes[1][2], strict=True):
        if all(_same(value, other) for other in probed):
            plan.append(("const", value))  # the same in every query of the shape
            continue
        step = shape.step_for(probed, using)
        if step is None or not _same(shape.param(step, using), value):
            return _ALWAYS
        plan.append(step)
    return plan


def _same(a, b):
    return type(a) is type(b) and a == b


def _verify(result, queryset, using):
    expected = _compiled_or_empty(queryset.query, using)
    got = None if result is None else (result[1], result[2])
    want = None if expected is None else (expected[1], expected[2])
    if got != want or (got is not None and not all(map(_same, got[1], want[1]))):
        raise AssertionError(f"core.compiled_sql kept {got!r} where Django compiles {want!r}")


class _Shape:
    """The shape key of a queryset and its taken-out values (`leaves`), with where each one sits (`slots`: the
    object, its attribute, the value there, and the value's index among the leaves, or a list of them)."""

    def __init__(self, queryset, using):
        self.leaves, self.slots, self.pattern_owners = [], [], {}
        self.key = (using, queryset._iterable_class, self._key(queryset.query))
        if len(self.leaves) > MAX_VALUES:
            raise _Unknown("too many values")  # a long IN list: a shape of its own that would not come back

    # --- the key ---

    def _key(self, obj):
        kind = type(obj)
        if kind is str or obj is None:
            return obj  # nothing else is equal to a text, or to None
        how = _HOW.get(kind) or _how(kind)
        if how is _SCALAR:
            return (kind, obj)
        if how is _OBJECT:
            return self._object(obj)  # (a cycle, which Django's queries do not have, ends in RecursionError)
        if how is _SEQUENCE:
            return (kind, tuple(item if type(item) is str else self._key(item) for item in obj))
        if how is _MAPPING:
            return (kind, tuple((name if type(name) is str else self._key(name),
                                 value if type(value) is str else self._key(value)) for name, value in obj.items()))
        if how is _FIELD:
            return self._field(obj)
        if how is _BOOL:
            return _TRUE if obj else _FALSE  # True == 1: not to be confused with a number
        if how is _CLASS:
            return obj  # a model or expression class
        if how is _SET:
            return (kind, frozenset(map(self._key, obj)))
        raise _Unknown(kind)

    def _field(self, field):
        if getattr(field, "model", None) is not None:
            return field  # a model's own field: the same object for the life of the process
        # a field made for an expression (output_field=...): its class and arguments
        name, path, args, kwargs = field.deconstruct()
        return (type(field), repr(args), repr(sorted(kwargs.items())))

    def _object(self, obj):
        if isinstance(obj, Lookup):
            return (type(obj), self._state(obj, "rhs"), self._rhs(obj, obj.rhs))
        if isinstance(obj, Value) and _takeable(obj.value):
            return (type(obj), self._state(obj, "value"), self._taken(obj, "value", obj.value, pattern=False))
        return (type(obj), self._state(obj))

    def _state(self, obj, taken=None):
        # By name: the order in which attributes were first set depends on the path a query was built by. An
        # attribute of a Query still as a new Query has it is left out (of some forty, most stay as they were made).
        items = sorted(vars(obj).items())
        if type(obj) is Query:
            defaults = _query_defaults()
            items = [(name, value) for name, value in items if not _as_made(value, defaults.get(name, _NONE))]
        return tuple((name, value if type(value) is str or value is None else self._key(value))
                     for name, value in items if name not in _SKIPPED and name != taken)

    def _rhs(self, lookup, rhs):
        pattern = isinstance(lookup, PatternLookup) and not lookup.bilateral_transforms
        if _takeable(rhs):
            return self._taken(lookup, "rhs", rhs, pattern)
        if isinstance(rhs, (list, tuple)) and rhs and all(item is None or _takeable(item) for item in rhs):
            # Each distinct value taken out once, and where it repeats is part of the shape (Django leaves out
            # repeats and None from an IN list: the sentinels repeat where the values do).
            first_at, places, base = {}, [], len(self.leaves)
            for item in rhs:
                if item is None:
                    places.append(None)
                    continue
                place = first_at.setdefault((_kind(item), item), len(self.leaves))
                if place == len(self.leaves):
                    self.leaves.append(item)
                places.append(place)
            self.slots.append((lookup, "rhs", rhs, places))
            return ("values", type(rhs), tuple(None if place is None else (place - base, _value_kind(item))
                                               for place, item in zip(places, rhs, strict=True)))
        return self._key(rhs)

    def _taken(self, owner, attribute, value, pattern):
        if pattern:
            self.pattern_owners.setdefault(len(self.leaves), []).append(owner)
        self.slots.append((owner, attribute, value, len(self.leaves)))
        self.leaves.append(value)
        return ("value", _value_kind(value), pattern)

    # --- the probe and the parameters ---

    def sentinels(self, round_):
        return _Sentinels(self, round_)

    def step_for(self, probed, using):
        """("leaf", index, wrap) when the parameters of the two sentinel rounds are one taken-out value's sentinels,
        as they are (wrap None), as a LIKE pattern of them (wrap the pattern) or in the driver's integer type
        (wrap that type, as Django's PostgreSQL backend passes integers); else None."""
        for index, leaf in enumerate(self.leaves):
            sentinels = [_sentinel(leaf, index, round_) for round_ in (0, 1)]
            for wrap in self._wraps(index, leaf, probed[0]):
                if all(_same(param, _wrapped(wrap, sentinel, using))
                       for param, sentinel in zip(probed, sentinels, strict=True)):
                    return ("leaf", index, wrap)
        return None

    def _wraps(self, index, leaf, param):
        yield None
        if _kind(leaf) is int and isinstance(param, int) and type(param) is not int and not isinstance(param, bool):
            yield type(param)  # psycopg's Int2/Int4/Int8/…
        for owner in self.pattern_owners.get(index, ()):
            yield owner.param_pattern

    def param(self, step, using):
        if step[0] == "const":
            return step[1]
        return _wrapped(step[2], self.leaves[step[1]], using)


def _wrapped(wrap, value, using):
    if wrap is None:
        return value
    if isinstance(wrap, str):
        return wrap % connections[using].ops.prep_for_like_query(value)
    return wrap(value)


# How each type of object is taken into the key, decided once per type.
_SCALAR, _OBJECT, _SEQUENCE, _MAPPING, _FIELD, _BOOL, _CLASS, _SET, _NOT_KNOWN = range(1, 10)  # all true
_HOW = {}


def _how(kind):
    if kind is bool:
        how = _BOOL
    elif issubclass(kind, _SCALARS) or kind is datetime.datetime:
        how = _SCALAR  # a number, text, date … (text and number choices too)
    elif issubclass(kind, (tuple, list)):
        how = _SEQUENCE
    elif issubclass(kind, dict):
        how = _MAPPING
    elif issubclass(kind, (set, frozenset)):
        how = _SET
    elif issubclass(kind, type):
        how = _CLASS
    elif issubclass(kind, (models.Field, ForeignObjectRel)):
        how = _FIELD
    elif issubclass(kind, _WALKED):
        how = _OBJECT
    else:
        how = _NOT_KNOWN
    _HOW[kind] = how
    return how


def _query_defaults(made=[]):  # noqa: B006  (made once)
    """The attributes of a new Query, as made."""
    if not made:
        made.append(dict(vars(Query(None))))
    return made[0]


_DEFAULT_TYPES = frozenset({type(None), bool, str, int, tuple, frozenset, dict, list, set})


def _as_made(value, default):
    return type(value) is type(default) and type(value) in _DEFAULT_TYPES and value == default


# The ends of the integer fields' ranges: Django compiles a comparison with a number outside its field's range to
# no condition at all, so which of these stretches a number lies in is part of the shape.
_INT_BOUNDS = (-(2**63), -(2**31), -32768, 0, 32768, 2**31, 2**63)


def _value_kind(value):
    kind = _kind(value)
    return (kind, bisect.bisect_right(_INT_BOUNDS, value)) if kind is int else kind


def _takeable(value):
    return isinstance(value, _SCALARS) and not isinstance(value, bool)


def _kind(value):
    """The type that decides how a value is passed: str for text choices, int for integer ones."""
    for base in (bool, str, int):
        if isinstance(value, base):
            return base
    return type(value)


class _Sentinels:
    """Puts a distinct value of the same kind in place of every taken-out value, and the real ones back."""

    def __init__(self, shape, round_):
        self.shape = shape
        self.values = [_sentinel(value, index, round_) for index, value in enumerate(shape.leaves)]

    def __enter__(self):
        for owner, attribute, original, place in self.shape.slots:
            if isinstance(place, list):  # an IN list: its places among the taken-out values
                setattr(owner, attribute, type(original)(None if at is None else self.values[at] for at in place))
            else:
                setattr(owner, attribute, self.values[place])

    def __exit__(self, *exc):
        for owner, attribute, original, _place in self.shape.slots:
            setattr(owner, attribute, original)


def _sentinel(value, index, round_):
    """A value of the same kind, distinct for every index and round, and inside the range of every integer and
    date field (Django compiles a comparison with a number out of a field's range to no SQL at all)."""
    n = 20_000 + 6_000 * round_ + index  # 20000–31999: within a PositiveSmallIntegerField
    kind = _kind(value)
    if kind is str:
        return f"\x1fsentinel{n}\x1f"
    if kind is int:
        return n
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 1, 1, tzinfo=value.tzinfo) + datetime.timedelta(seconds=n)
    if isinstance(value, datetime.date):
        return datetime.date(1901, 1, 1) + datetime.timedelta(days=n)
    if isinstance(value, datetime.time):
        return datetime.time(0, 0, 0, n)
    if isinstance(value, datetime.timedelta):
        return datetime.timedelta(microseconds=n)
    if isinstance(value, decimal.Decimal):
        return decimal.Decimal(n)
    if isinstance(value, float):
        return n + 0.5
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=n)
    return b"\x1fsentinel%d\x1f" % n
