"""core.constraints: a database constraint error reaches the user as a sentence, never a 500, with nothing kept."""

import datetime

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from cadres.models import AnnualAssessment, Cadre, PositionHistory
from core import constraints
from tests.factories import CadreFactory

D = datetime.date


def _violate_share(cadre):
    with transaction.atomic():
        AnnualAssessment.objects.create(cadre=cadre, year=2025, grade="competent", unfit_vote_share=150)


def test_the_cadres_named_constraints_are_registered_with_sentences(db):
    registered = constraints.registered()
    assert registered["cadres_annualassessment_share_percent"] == "不称职票比例应在0到100之间"
    assert registered["cadres_positionhistory_end_after_start"] == "免职时间不能早于任职时间"
    assert "cadres_personalmattersreport_event_dated" in registered
    assert "cadres_verification_result_dated" in registered


def test_message_for_names_the_constraint_postgresql_reports(unit_a, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    with pytest.raises(IntegrityError) as caught:
        _violate_share(cadre)
    assert constraints.constraint_name(caught.value) == "cadres_annualassessment_share_percent"
    assert constraints.message_for(caught.value) == "不称职票比例应在0到100之间"


def test_form_errors_turns_the_error_into_the_forms_message_and_keeps_nothing(unit_a, staff):
    from cadres.forms import AssessmentForm

    cadre = CadreFactory(unit=unit_a, actor=staff)
    form = AssessmentForm({"year": 2025, "grade": "competent"})
    assert form.is_valid()
    with constraints.form_errors(form):
        _violate_share(cadre)
    assert form.non_field_errors() == ["不称职票比例应在0到100之间"]
    assert not AnnualAssessment.objects.exists()


def test_an_unregistered_constraint_still_raises(unit_a, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    with pytest.raises(IntegrityError), constraints.form_errors(None), transaction.atomic():
        # the UNIQUE on id_number carries no sentence: a programming error, not hidden
        Cadre.objects.create(unit=unit_a, name="重复", gender="M", birth_date=cadre.birth_date,
                             id_number=cadre.id_number, post_title="科员", rank=cadre.rank)


def _request():
    request = RequestFactory().post("/cadres/x/assessments/new/?next=1")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_the_middleware_redirects_back_with_the_sentence(unit_a, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff)
    request = _request()
    middleware = constraints.ConstraintErrorMiddleware(lambda r: HttpResponse())
    try:
        with transaction.atomic():
            PositionHistory.objects.filter(cadre=cadre).update(end_date=D(1990, 1, 1))
    except IntegrityError as error:
        response = middleware.process_exception(request, error)
    assert response.status_code == 302 and response["Location"] == "/cadres/x/assessments/new/?next=1"
    assert [str(m) for m in request._messages] == ["免职时间不能早于任职时间"]
    assert PositionHistory.objects.get(cadre=cadre).end_date is None
    assert middleware.process_exception(_request(), ValueError("x")) is None
