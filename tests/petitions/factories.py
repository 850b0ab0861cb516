"""Building petitions for tests through the services (so deadlines, handlers and the identity are as in real use)."""

import datetime

from petitions import services
from petitions.identity import Reporter
from petitions.models import CaseType, Channel, Petition, ProblemCategory
from tests.factories import CadreFactory

REPORTER = Reporter(name="钱多多", id_number="331102198001010027", phone="13912345678",
                             address="青溪县城关镇解放路88号")
SECRETS = ("钱多多", "331102198001010027", "13912345678", "解放路88号")


def make_petition(actor, *, cadre=None, unit=None, named=True, received_on=None, case_type=CaseType.ACCUSATION,
                  categories=(ProblemCategory.SELECTION,), summary="反映某局长违规提拔亲属担任科长",
                  channel=Channel.PHONE_12380, clues_specific=True, reporter=REPORTER, **extra):
    if cadre is None:
        cadre = CadreFactory(unit=unit or actor.jurisdiction or actor.unit)
    return services.register(
        actor=actor, received_on=received_on or datetime.date(2026, 3, 2), channel=channel, case_type=case_type,
        is_named=named, summary=summary, categories=list(categories), clues_specific=clues_specific,
        cadres=[cadre], reporter=reporter if named else None, **extra)


def force_status(petition, status, **fields):
    """Put a case into a status directly (to test what each status allows)."""
    Petition.objects.filter(pk=petition.pk).update(status=status, **fields)
    petition.refresh_from_db()
    return petition
