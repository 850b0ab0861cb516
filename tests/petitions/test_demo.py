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
