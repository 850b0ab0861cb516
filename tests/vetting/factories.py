import datetime

import factory

from tests.factories import UnitFactory
from vetting.models import Batch, MeetingKind


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    unit = factory.SubFactory(UnitFactory)
    kind = MeetingKind.STANDING_COMMITTEE
    title = factory.Sequence(lambda n: f"县委常委会2026年第{n + 1}次会议")
    meeting_date = datetime.date(2026, 10, 20)
