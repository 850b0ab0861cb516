import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cadres import idcard
from cadres.models import Cadre, Rank
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
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = "M"
    birth_date = datetime.date(1975, 5, 20)
    id_number = factory.LazyAttributeSequence(lambda o, n: idcard.make(o.birth_date, o.gender, sequence=n % 500))
    unit = factory.SubFactory(UnitFactory)
    post_title = "局长"
    rank = Rank.DIVISION_CHIEF
