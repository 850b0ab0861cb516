import pytest
from django.utils import timezone

from core import demo as core_demo
from petitions import demo
from petitions.models import Petition, Status


@pytest.mark.django_db
def test_demo_has_every_status_overdue_cases_and_a_duplicate_pair():
    context = {}
    core_demo.seed(context)
    demo.seed(context)
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Petition.objects.filter(next_due__lt=timezone.localdate()).count() >= 3
    duplicate = Petition.objects.get(status=Status.MERGED)
    assert duplicate.duplicate_of.subjects.get().cadre == duplicate.subjects.get().cadre
    count = Petition.objects.count()
    demo.seed(context)
    assert Petition.objects.count() == count


@pytest.mark.django_db
def test_in_the_demo_baishi_gives_notice_of_acceptance_sooner_and_numbers_its_own_cases():
    """Issue 20: 白石县 has its own acceptance limit (10 working days, the city's 15) and its own case numbers."""
    import datetime

    from tests.petitions.factories import make_petition

    context = {}
    core_demo.seed(context)
    demo.seed(context)
    users = context["users"]
    monday = datetime.date(2026, 3, 2)  # March 2026 has no holiday
    in_bs = make_petition(users["bs_staff01"], received_on=monday)
    in_qx = make_petition(users["staff01"], received_on=monday)
    assert in_bs.acceptance_due == datetime.date(2026, 3, 16) and in_bs.code.startswith("XF-BS-2026-")
    assert in_qx.acceptance_due == datetime.date(2026, 3, 23) and in_qx.code.startswith("XF-QX-2026-")
