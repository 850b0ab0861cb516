"""The cadre list's total from the roster counts (cadres.models.head_count, kept by a trigger on cadres_cadre) is
the count of the rows it lists: for every user, unit and status, on generated data with two counties, and after
every kind of change in the same transaction (service, bulk update, delete, COPY-like bulk insert). Any other filter
counts the rows themselves."""

import pytest
from django.db import connection
from django.utils import timezone

from cadres import services
from cadres.models import Cadre, CadreStatus, Rank, RosterCount, head_count
from core import roles
from core.models import Unit
from scripts.bench.scale.run import seed
from tests.factories import CadreFactory, UnitFactory, UserFactory


@pytest.fixture
def generated(db, settings, tmp_path):
    """Generated data (one county at this size), a second county with a few cadres of its own, a city user over
    both and a staff member of the first county."""
    settings.MEDIA_ROOT = tmp_path / "media"
    data = seed(factor=0.0005, seed=11, log=lambda text: None, defer_indexes=False, audit_events=10)
    county = Unit.objects.get(code__regex=rf"^{data.tag}-K[0-9]{{3}}$")
    other = UnitFactory(name="白石县委", parent=county.parent)
    CadreFactory.create_batch(3, unit=UnitFactory(name="白石县财政局", parent=other))
    CadreFactory(unit=other, status=CadreStatus.PROBATION)
    city = UserFactory(username="count_city", unit=county.parent, jurisdiction=county.parent,
                       roles=[roles.SECTION_HEAD])
    staff = UserFactory(username="count_staff", unit=county, jurisdiction=county, roles=[roles.STAFF])
    return city, staff, [county, other]


def assert_counts_match(users, units):
    for user in users:
        for unit in [None, *units]:
            for status in [None, *CadreStatus.values]:
                rows = Cadre.objects.visible_to(user)
                if unit is not None:
                    rows = rows.filter(unit__path__startswith=unit.path)
                if status is not None:
                    rows = rows.filter(status=status)
                assert head_count(user, unit=unit, status=status) == rows.count(), (user, unit, status)


def listed_total(client, query=""):
    response = client.get(f"/cadres/{query}")
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_the_counts_hold_what_each_user_may_see(generated):
    city, staff, counties = generated
    branch = Unit.objects.filter(parent=counties[0]).order_by("code").first()
    assert 0 < head_count(staff) < head_count(city)  # the county's staff: his county only
    assert_counts_match([city, staff], [*counties, branch])


def test_every_kind_of_change_is_counted_in_its_transaction(generated):
    city, staff, (county, other) = generated
    cadre = Cadre.objects.filter(unit__path__startswith=county.path, status=CadreStatus.SERVING).first()
    serving_here = head_count(staff, status=CadreStatus.SERVING)
    services.update_cadre(cadre, actor=city, status=CadreStatus.RETIRED, version=cadre.version)
    assert head_count(staff, status=CadreStatus.SERVING) == serving_here - 1
    services.change_post(cadre, actor=city, unit=other, post_title="调研员", rank=Rank.SECTION_DEPUTY,
                         start_date=timezone.localdate())
    Cadre.objects.filter(unit=other, status=CadreStatus.PROBATION).update(status=CadreStatus.SERVING)  # bulk
    doomed = Cadre.objects.filter(unit__path__startswith=other.path).exclude(pk=cadre.pk).first()
    doomed.positions.all().delete()
    doomed.delete()
    assert_counts_match([city, staff], [county, other])
    assert not RosterCount.objects.filter(cadres__lt=0).exists()


def test_the_counts_are_rebuilt_by_the_migration_from_the_rows(generated):
    """What the trigger kept equals a count from scratch (the migration's initial fill)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT unit_id, status, count(*) FROM cadres_cadre GROUP BY 1, 2")
        counted = {(unit, status): n for unit, status, n in cursor.fetchall()}
    kept = {(row.unit_id, row.status): row.cadres for row in RosterCount.objects.exclude(cadres=0)}
    assert kept == counted


def test_the_page_shows_the_count_of_its_rows_whichever_filters(client, generated):
    city, staff, counties = generated
    client.force_login(staff)
    mine = Cadre.objects.visible_to(staff)
    cadre = mine.first()
    queries = {
        "": mine,
        "?status=serving": mine.filter(status="serving"),
        f"?unit={counties[0].pk}&status=retired&sort=name": mine.filter(status="retired"),
        f"?q={cadre.name}": mine.filter(name__icontains=cadre.name),  # counted from the rows
        "?status=serving&rank=section_deputy": mine.filter(status="serving", rank="section_deputy"),
    }
    for query, rows in queries.items():
        assert listed_total(client, query) == rows.count(), query
    # another county's unit is not a choice of his: the form says so and the list stays his own county's
    assert Cadre.objects.filter(unit__path__startswith=counties[-1].path).exists()
    assert listed_total(client, f"?unit={counties[-1].pk}") == mine.count()
