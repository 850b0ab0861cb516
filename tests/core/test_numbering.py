"""core.numbering: one counter per series and year behind every case number (XF-, RQ-, JZSJ-, YS-)."""

import importlib
import threading
import time

import pytest
from django.apps import apps
from django.db import connection, transaction

from core import numbering
from core.models import YearlyCounter


@pytest.mark.django_db
def test_numbers_run_per_series_and_year():
    assert [numbering.next_number("a", 2026) for _ in range(3)] == [1, 2, 3]
    assert numbering.next_number("a", 2027) == 1
    assert numbering.next_number("b", 2026) == 1
    assert YearlyCounter.objects.get(series="a", year=2026).last == 3


@pytest.mark.django_db
def test_a_rolled_back_number_is_issued_again():
    numbering.next_number("a", 2026)
    with pytest.raises(LookupError), transaction.atomic():
        assert numbering.next_number("a", 2026) == 2
        raise LookupError("the case that would have carried number 2 is not stored")
    assert numbering.next_number("a", 2026) == 2


@pytest.mark.django_db
def test_advance_to_never_moves_back():
    numbering.advance_to("a", 2026, 5)
    numbering.advance_to("a", 2026, 3)
    assert numbering.next_number("a", 2026) == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_get_the_same_number():
    """Eight connections take five numbers each, every one in its own transaction held open for a moment."""
    start = threading.Barrier(8)
    issued, errors = [], []

    def take():
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    number = numbering.next_number("race", 2026)
                    time.sleep(0.01)  # the row stays locked: the others wait here, not after
                issued.append(number)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_a_second_caller_waits_for_the_first_to_commit():
    first_has_number, second_done = threading.Event(), threading.Event()
    got = {}

    def second():
        first_has_number.wait()
        with transaction.atomic():
            got["second"] = numbering.next_number("race", 2026)
        second_done.set()
        connection.close()

    with pytest.raises(RuntimeError, match="inside the transaction"):
        numbering.next_number("race", 2026)  # autocommit: the number would be spent even if the case fails
    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        got["first"] = numbering.next_number("race", 2026)
        first_has_number.set()
        assert not second_done.wait(0.3)  # blocked on the counter row while this transaction is open
    thread.join()
    assert got == {"first": 1, "second": 2}


@pytest.mark.django_db
def test_audit_numbers_continue_after_the_highest_already_issued(county, staff):
    from audits.services import CASE_NUMBER_SERIES
    from tests.audits import factories

    made = factories.audit(factories.principal(county), staff)
    type(made).objects.filter(pk=made.pk).update(seq=7, number="JZSJ-2026-007")  # issued before the counter
    YearlyCounter.objects.filter(series=CASE_NUMBER_SERIES).delete()
    importlib.import_module("audits.migrations.0004_case_numbers_in_core").seed_counters(apps, None)
    assert factories.audit(factories.principal(county), staff).number == "JZSJ-2026-008"


@pytest.mark.django_db
def test_travel_numbers_continue_after_the_highest_already_issued(county, staff):
    from matters.services import CASE_NUMBER_SERIES
    from tests.factories import CadreFactory
    from tests.matters import factories

    made = factories.application(CadreFactory(unit=county), staff)
    assert made.number == "YS-2026-001"
    type(made).objects.filter(pk=made.pk).update(seq=12, number="YS-2026-012")
    YearlyCounter.objects.filter(series=CASE_NUMBER_SERIES).delete()
    importlib.import_module("matters.migrations.0003_case_numbers_in_core").seed_counters(apps, None)
    assert factories.application(CadreFactory(unit=county), staff).number == "YS-2026-013"
