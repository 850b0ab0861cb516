"""Every named database constraint a user's action can reach has a Chinese sentence (core.constraints), so a
check a service forgot, or two requests racing past the same check, gives the user a sentence, never a 500."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from core import constraints
from matters.models import Certificate
from tests.factories import CadreFactory

PROJECT_APPS = {"core", "cadres", "vetting", "audits", "petitions", "liaison", "matters", "dashboard"}
# Constraints only the system's own code writes to: a violation there is a programming error, not a user's.
SYSTEM_ONLY = {
    "core_notification_once_per_level",  # the deadline scan inserts with ON CONFLICT DO NOTHING
    "core_yearlycounter_one_per_series_year",  # the ON CONFLICT target of core.numbering.next_number
    "dashboard_monthlyexport_progress",
    "core_listexport_progress",
    "core_stattally_unique",  # the dashboard's per-unit counts, written by core.tallies only
    "cadres_rostercount_unique",  # the ON CONFLICT target of the roster count trigger (cadres 0014)
    "core_stattotal_unique",  # their whole-tree sums, the ON CONFLICT target of core.tallies
    "dashboard_monthlyexport_month_first_day",  # the month is normalised by the request service
}


def test_every_named_constraint_has_a_sentence():
    registered = constraints.registered()
    missing = [constraint.name for model in apps.get_models() if model._meta.app_label in PROJECT_APPS
               for constraint in model._meta.constraints
               if constraint.name not in registered and constraint.name not in SYSTEM_ONLY]
    assert missing == []
    assert all("\u4e00" <= message[0] <= "\u9fff" for message in registered.values())


@pytest.mark.django_db
def test_a_duplicate_certificate_number_is_a_sentence(unit_a, staff):
    """A race past the service's own check (two requests registering the same passport) hits the unique constraint:
    the error maps to its sentence."""
    cadre = CadreFactory(unit=unit_a, actor=staff)
    issued = datetime.date(2024, 1, 1)
    passport = {"kind": "passport", "number": "E12345678", "issued_on": issued, "handover_due": issued,
                "expires_on": issued.replace(year=2034)}
    Certificate.objects.create(cadre=cadre, **passport)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Certificate.objects.create(cadre=cadre, **passport)
    assert constraints.message_for(error.value) == "该证照号码已登记。"
