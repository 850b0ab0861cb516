"""Two calls with one Idempotency-Key at the same moment (a client retrying before the first answer arrived): the
advisory lock on the key makes the second wait and get the first answer; one report is created."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from api.models import Scope
from liaison.models import Report
from tests.api.conftest import Caller, issue
from tests.liaison.factories import member_unit


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_call_gets_its_answer(post_migrate_state, unit_a, liaison_a, security_admin):
    member = member_unit(unit_a, [liaison_a])
    _client, key = issue(security_admin, member, [Scope.LIAISON_WRITE])
    period = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    barrier = threading.Barrier(2)
    answers = []

    def call():
        try:
            barrier.wait()
            answers.append(Caller(key).post("/api/v1/liaison/reports/", {"period": period, "nil": True},
                                            idempotency_key="same"))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(answer.get("Idempotent-Replayed", "") for answer in answers) == ["", "true"]
    assert Report.objects.filter(member_unit=member).count() == 1
