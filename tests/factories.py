import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cadres import idcard, services
from cadres.models import Cadre, Gender, Rank
from core.models import Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password("Test@2026password")
    must_change_password = False
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


class CadreFactory(factory.django.DjangoModelFactory):
    """A cadre made the way the app makes one, through cadres.services.create_cadre: validated, with its post as the
    first PositionHistory row and a "created" audit event. `actor` records it (None: the system); `region` is the
    first six digits of the ID number (the browser journeys use one the demo county never does)."""

    class Meta:
        model = Cadre

    class Params:
        region = "331100"

    actor = None
    name = factory.Sequence(lambda n: f"测试干部{n}")
    gender = Gender.MALE
    birth_date = datetime.date(1980, 3, 15)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: idcard.make(o.birth_date, o.gender, region=o.region, sequence=n))
    unit = factory.SubFactory(UnitFactory)
    post_title = "局长"
    rank = Rank.SECTION_CHIEF
    post_since = datetime.date(2020, 6, 1)

    @classmethod
    def _build(cls, model_class, *args, actor=None, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *, actor, unit, post_title, rank, **kwargs):
        return services.create_cadre(actor=actor, unit=unit, post_title=post_title, rank=rank, **kwargs)
