"""core.compiled_sql: a query of a shape seen before takes the kept SQL with its own values, without compiling, and
gives what Django's own SQL gives; values that would make other SQL make a shape of their own, or none."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import EmptyResultSet
from django.db.models.sql.compiler import SQLCompiler

from cadres.models import Cadre, PositionHistory
from core import bundles, compiled_sql
from tests.factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shapes():
    compiled_sql._shapes.clear()
    yield
    compiled_sql._shapes.clear()


def _rows(queryset):
    return bundles.fetch({"rows": queryset})["rows"]


def _compiles(queryset):
    """How many times Django compiled SQL while the queryset was read through core.bundles."""
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        rows = _rows(queryset)
    return rows, as_sql.call_count


def test_a_second_query_of_the_same_shape_is_not_compiled_and_reads_its_own_rows(monkeypatch):
    monkeypatch.setattr(compiled_sql, "VERIFY", False)  # the check compiles: count what the page does
    first, second = CadreFactory(), CadreFactory()

    def positions(cadre):
        return PositionHistory.objects.filter(cadre=cadre, start_date__lte=datetime.date(2026, 1, 1))

    rows, compiled = _compiles(positions(first))
    assert [row.cadre_id for row in rows] == [first.pk] and compiled == 3  # as it is, and with two sets of sentinels
    rows, compiled = _compiles(positions(second))
    assert [row.cadre_id for row in rows] == [second.pk] and compiled == 0
    assert _compiles(PositionHistory.objects.filter(cadre=second, start_date__lte=datetime.date(2019, 1, 1))) == (
        [], 0)


def test_like_patterns_are_escaped_as_django_escapes_them():
    unit = UnitFactory()
    CadreFactory(unit=unit, name="张%三"), CadreFactory(unit=unit, name="张_四"), CadreFactory(unit=unit, name="张伟")
    for text in ["张", "张%", "_四", "伟", "%"]:
        expected = sorted(Cadre.objects.filter(unit=unit, name__contains=text).values_list("name", flat=True))
        assert sorted(c.name for c in _rows(Cadre.objects.filter(unit=unit, name__contains=text))) == expected, text


def test_lists_none_and_duplicates_give_what_django_gives():
    cadres = [CadreFactory() for _ in range(3)]
    ids = [cadre.pk for cadre in cadres]
    for values in ([ids[0], ids[1]], [ids[2], ids[2]], [ids[0], None], [None, ids[1]], [ids[1]], []):
        for queryset in (Cadre.objects.filter(pk__in=values), Cadre.objects.exclude(pk__in=values)
                         .filter(pk__in=ids)):
            assert sorted(c.pk for c in _rows(queryset)) == sorted(queryset.values_list("pk", flat=True)), values


def test_a_number_out_of_a_fields_range_reads_what_django_reads():
    cadre = CadreFactory()
    for number in [0, 2**40, -(2**40)]:
        queryset = PositionHistory.objects.filter(cadre=cadre, cadre__version__gte=number)
        assert [p.pk for p in _rows(queryset)] == list(queryset.values_list("pk", flat=True)), number


def test_values_that_change_the_text_are_not_taken_out():
    cadre = CadreFactory()
    assert [c.pk for c in _rows(Cadre.objects.filter(pk=cadre.pk, post_since__isnull=False))] == [cadre.pk]
    assert _rows(Cadre.objects.filter(pk=cadre.pk, post_since__isnull=True)) == []
    assert [c.pk for c in _rows(Cadre.objects.filter(pk=cadre.pk, birth_date__year=1980))] == [cadre.pk]
    assert _rows(Cadre.objects.filter(pk=cadre.pk, birth_date__year=1981)) == []


def test_the_check_fails_loudly_when_kept_sql_differs():
    cadre = CadreFactory()
    _rows(Cadre.objects.filter(pk=cadre.pk))
    (key, (compiler, sql, plan)), = compiled_sql._shapes.items()
    compiled_sql._shapes[key] = (compiler, sql.replace("WHERE", "WHERE NOT"), plan)
    with pytest.raises(AssertionError, match="core.compiled_sql"):
        _rows(Cadre.objects.filter(pk=cadre.pk))


def test_the_setting_turns_it_off(settings):
    settings.COMPILED_SQL_CACHE = False
    cadre = CadreFactory()
    _rows(Cadre.objects.filter(pk=cadre.pk))
    assert compiled_sql._shapes == {}


def test_an_empty_shape_stays_empty():
    with pytest.raises(EmptyResultSet):
        compiled_sql.compile_queryset(Cadre.objects.filter(pk__in=[]))
    with pytest.raises(EmptyResultSet):
        compiled_sql.compile_queryset(Cadre.objects.filter(pk__in=[]))
    assert _rows(Cadre.objects.none()) == []
