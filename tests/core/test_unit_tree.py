"""Unit paths: moving a unit rewrites the materialized path of its whole subtree in one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Unit
from tests.factories import UnitFactory


def _chain(top, depth, width=1):
    """`width` units under `top`, each with a chain `depth` levels deep."""
    made = []
    for branch in range(width):
        parent = top
        for level in range(depth):
            parent = UnitFactory(name=f"下级{branch}-{level}", parent=parent)
            made.append(parent)
    return made


def _expected_path(unit):
    parts = []
    while unit is not None:
        parts.insert(0, f"{unit.pk}/")
        unit = unit.parent
    return "".join(parts)


def _move(unit, new_parent):
    unit.parent = new_parent
    with CaptureQueriesContext(connection) as queries:
        unit.save()
    return len(queries)


@pytest.mark.django_db
def test_moving_a_unit_rewrites_every_path_below_it(county, unit_a, unit_b):
    below = _chain(unit_a, 3, width=2)
    bystander = UnitFactory(name="同级单位", parent=county)  # its own path must not change
    before = bystander.path
    _move(unit_a, unit_b)
    for unit in [unit_a, *below]:
        unit = Unit.objects.get(pk=unit.pk)
        assert unit.path == _expected_path(unit)
        assert unit.path.startswith(f"{county.pk}/{unit_b.pk}/{unit_a.pk}/")
    assert Unit.objects.get(pk=bystander.pk).path == before
    assert set(unit_b.subtree()) == {unit_b, unit_a, *below}


@pytest.mark.django_db
def test_the_query_count_of_a_move_does_not_grow_with_the_subtree(county, unit_a, unit_b):
    small, large = UnitFactory(parent=unit_a), UnitFactory(parent=unit_a)
    _chain(small, 1)
    _chain(large, 3, width=4)
    # savepoint, UPDATE of the unit, one UPDATE of the paths below, release
    assert _move(small, unit_b) == _move(large, unit_b) == 4
