import datetime
import itertools

from cadres import idcard, services
from cadres.models import Gender, Rank

_sequence = itertools.count(1)


def make_cadre(unit, *, actor=None, name=None, gender=Gender.MALE, birth_date=datetime.date(1980, 3, 15),
               post_since=datetime.date(2020, 6, 1), rank=Rank.SECTION_CHIEF, post_title="局长", **extra):
    """A cadre made the way the app makes them: with its current post as the first PositionHistory row."""
    n = next(_sequence)
    return services.create_cadre(
        actor=actor, unit=unit, post_title=post_title, rank=rank, post_since=post_since,
        name=name or f"测试干部{n}", gender=gender, birth_date=birth_date,
        id_number=idcard.make(birth_date, gender, sequence=n), **extra)
