"""core.refusals: the one exception for a rule's refusal, and how a page shows it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.refusals import Refused, form_error_text, refusal_text, show_form_errors, show_refusal


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因")
    days = forms.IntegerField(label="天数")


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_refused_is_a_value_error_with_its_sentence():
    error = Refused("当前状态为“草稿”，不能签收", field="reason", code="state")
    assert isinstance(error, ValueError)
    assert str(error) == "当前状态为“草稿”，不能签收"
    assert (error.field, error.code, error.messages) == ("reason", "state", ["当前状态为“草稿”，不能签收"])
    with pytest.raises(ValueError, match="不能签收"):
        raise error


def test_refusal_text_joins_a_validation_errors_messages():
    assert refusal_text(ValidationError(["第一", "第二"])) == "第一；第二"
    assert refusal_text(Refused("不能")) == "不能"


def test_show_refusal_without_a_form_is_an_error_message():
    request = _request()
    show_refusal(request, Refused("不能归档"))
    assert _messages(request) == [("error", "不能归档")]


def test_show_refusal_on_a_form_goes_to_the_field_it_names():
    form = ReasonForm({"reason": "x", "days": 3})
    assert form.is_valid()
    request = _request()
    show_refusal(request, Refused("原因太短", field="reason"), form)
    assert form.errors == {"reason": ["原因太短"]}
    assert _messages(request) == []


def test_show_refusal_on_a_form_without_that_field_is_a_non_field_error():
    form = ReasonForm({"reason": "x", "days": 3})
    assert form.is_valid()
    show_refusal(_request(), Refused("状态不对", field="status"), form)
    assert form.non_field_errors() == ["状态不对"]


def test_form_errors_become_one_sentence_with_field_labels():
    form = ReasonForm({"reason": "", "days": "x"})
    assert not form.is_valid()
    assert form_error_text(form) == "原因 该字段是必填项。；天数 输入整数。"
    request = _request()
    show_form_errors(request, form, "延期")
    assert _messages(request) == [("error", "延期未完成：原因 该字段是必填项。；天数 输入整数。")]
