"""Role names and the jurisdiction come from the shared cache after a user's first request (core.user_facts), and a
change an administrator makes — roles, 管辖范围, a unit moved in the tree — holds from the user's next request."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles
from tests.core.test_cache import DEAD_CACHE
from tests.factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _list(client):
    """The cadre list and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cadres:index"))
    return response, [query["sql"] for query in queries.captured_queries]


def _reads_facts(sql):
    roles_read = any('FROM "auth_group"' in query for query in sql)
    units_read = any(
        query.startswith('SELECT "core_unit"."id", "core_unit"."code"') and "LIMIT 21" in query for query in sql
    )
    return roles_read, units_read


def _names(response):
    return {cadre.name for cadre, _ in response.context["rows"]}


@pytest.fixture
def cadres(unit_a, unit_b):
    return CadreFactory(name="甲单位干部", unit=unit_a), CadreFactory(name="乙单位干部", unit=unit_b)


def test_the_second_request_reads_roles_and_jurisdiction_from_the_cache(client_for, staff):
    client = client_for(staff)
    cache.clear()  # logging in already read the roles
    response, sql = _list(client)
    assert response.status_code == 200 and _reads_facts(sql) == (True, True)
    response, sql = _list(client)
    assert response.status_code == 200 and _reads_facts(sql) == (False, False)


def test_a_role_removed_in_the_admin_is_refused_on_the_next_request(client, client_for, staff, system_admin):
    staff_client = client_for(staff)
    assert _list(staff_client)[0].status_code == 200  # the facts are cached now
    admin_client = client_for(system_admin)
    url = reverse("admin:core_user_change", args=[staff.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        unit=staff.unit_id,
        jurisdiction=staff.jurisdiction_id,
        groups=[],
        last_login_0="",
        last_login_1="",
        date_joined_0=staff.date_joined.strftime("%Y-%m-%d"),
        date_joined_1="00:00:00",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not staff.groups.exists()
    client_for(staff)
    assert _list(client)[0].status_code == 403


def test_a_role_added_through_the_group_is_seen_on_the_next_request(client_for, outsider):
    client = client_for(outsider)
    assert _list(client)[0].status_code == 403
    Group.objects.get(name=roles.STAFF).user_set.add(outsider)
    assert _list(client)[0].status_code == 200


def test_a_changed_jurisdiction_narrows_the_list_on_the_next_request(client_for, staff, unit_a, cadres):
    client = client_for(staff)
    assert _names(_list(client)[0]) == {"甲单位干部", "乙单位干部"}
    staff.jurisdiction = unit_a
    staff.save(update_fields=["jurisdiction"])
    assert _names(_list(client)[0]) == {"甲单位干部"}


def test_a_moved_jurisdiction_unit_is_read_with_its_new_path(client_for, staff, unit_a, unit_b, cadres):
    limited = UnitFactory(code="SUB", name="县纪委监委机关", parent=unit_a)
    CadreFactory(name="机关干部", unit=limited)
    staff.jurisdiction = limited
    staff.save(update_fields=["jurisdiction"])
    client = client_for(staff)
    assert _names(_list(client)[0]) == {"机关干部"}  # the jurisdiction and its path are cached now
    limited.parent = unit_b  # moved: its path and every path below change
    limited.save()
    assert _names(_list(client)[0]) == {"机关干部"}  # an old path would find nobody


def test_with_the_cache_down_the_facts_come_from_the_database(client_for, staff, cadres):
    client = client_for(staff)
    with override_settings(CACHES=DEAD_CACHE):
        response, sql = _list(client)
    assert response.status_code == 200 and _reads_facts(sql) == (True, True)
    assert _names(response) == {"甲单位干部", "乙单位干部"}


def test_a_jurisdiction_over_every_unit_counts_without_the_unit_tree(client_for, staff, cadres):
    client = client_for(staff)  # the county is the only top unit: every unit is in the jurisdiction
    response, sql = _list(client)
    assert _names(response) == {"甲单位干部", "乙单位干部"}
    # the list's total (cadres.models.head_count): every count row has a unit, so no condition at all
    count = next(query for query in sql if query.startswith('SELECT SUM("cadres_rostercount"."cadres")'))
    assert "core_unit" not in count and "unit_id" not in count
    assert response.context["page"].paginator.count == 2


def test_a_unit_added_outside_a_jurisdiction_that_covered_every_unit_stays_outside(client_for, staff, cadres):
    client = client_for(staff)
    assert _names(_list(client)[0]) == {"甲单位干部", "乙单位干部"}
    CadreFactory(name="邻县干部", unit=UnitFactory(code="NEIGHBOUR", name="邻县县委"))
    response, sql = _list(client)
    assert _names(response) == {"甲单位干部", "乙单位干部"}
    assert response.context["page"].paginator.count == 2
    assert any("core_unit" in query for query in sql if query.startswith('SELECT SUM("cadres_rostercount"'))
