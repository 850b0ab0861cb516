"""core.transitions: the table format (Machine/Transition) and the views' dispatch (ViewAction/dispatch)."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.test import RequestFactory

from core.refusals import Refused, show_refusal
from core.transitions import Machine, Transition, ViewAction, dispatch


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已报送"
    SIGNED = "signed", "已签收"
    RETURNED = "returned", "已退回"


S = State


def _is_head(user, obj):
    return user.is_head


MACHINE = Machine(S, [
    Transition("send", "报送", source=S.DRAFT, target=S.SENT),
    Transition("decide", "处理", source=S.SENT, target=(S.SIGNED, S.RETURNED), allowed=_is_head,
               required={"reason": "处理意见"}),
    Transition("reopen", "重新编辑", source=S.RETURNED, target=S.DRAFT),
    Transition("note", "备注", source=(S.DRAFT, S.SENT)),
    Transition("note", "备注", source=S.SIGNED),
])
HEAD, CLERK = SimpleNamespace(is_head=True), SimpleNamespace(is_head=False)


def _obj(state):
    return SimpleNamespace(status=state)


def test_apply_moves_the_state_and_returns_the_audit_changes():
    report = _obj(S.DRAFT)
    assert MACHINE.apply(report, "send") == {"status": [S.DRAFT, S.SENT]}
    assert report.status == S.SENT


def test_apply_without_a_target_leaves_the_state():
    report = _obj(S.SIGNED)
    assert MACHINE.apply(report, "note") == {}
    assert report.status == S.SIGNED


def test_check_names_the_current_state_and_the_action():
    with pytest.raises(Refused, match="当前状态为“已签收”，不能报送") as caught:
        MACHINE.check(_obj(S.SIGNED), "send")
    assert caught.value.code == "state"


def test_several_targets_the_service_names_one_of_them():
    report = _obj(S.SENT)
    assert MACHINE.apply(report, "decide", HEAD, target=S.RETURNED, data={"reason": "缺材料"}) == {
        "status": [S.SENT, S.RETURNED]}
    with pytest.raises(Refused, match="处理不能使其转为“草稿”"):
        MACHINE.check(_obj(S.SENT), "decide", HEAD, target=S.DRAFT, data={"reason": "x"})
    with pytest.raises(ValueError, match="several states"):
        MACHINE.apply(_obj(S.SENT), "decide", HEAD, data={"reason": "x"})


def test_who_may_and_required_data_are_refused_in_their_words():
    with pytest.raises(Refused, match="您无权处理") as denied:
        MACHINE.check(_obj(S.SENT), "decide", CLERK, data={"reason": "x"})
    assert denied.value.code == "denied"
    with pytest.raises(Refused, match="请填写处理意见") as missing:
        MACHINE.check(_obj(S.SENT), "decide", HEAD, data={"reason": "  "})
    assert (missing.value.code, missing.value.field) == ("required", "reason")


def test_available_follows_the_state_and_the_user():
    assert MACHINE.available(_obj(S.SENT), HEAD) == ["decide", "note"]
    assert MACHINE.available(_obj(S.SENT), CLERK) == ["note"]
    assert MACHINE.available(_obj(S.RETURNED)) == ["reopen"]


def test_illegal_lists_every_pair_the_table_refuses():
    illegal = set(MACHINE.illegal())
    assert (S.DRAFT, "send") not in illegal
    assert (S.SIGNED, "note") not in illegal
    assert (S.SIGNED, "send") in illegal
    assert len(illegal) == len(S.values) * len(MACHINE.actions) - 6
    for state, action in illegal:
        with pytest.raises(Refused):
            MACHINE.check(_obj(state), action)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        MACHINE.check(_obj(S.DRAFT), "fly")


# --- dispatch (it runs the action in a transaction, so these use the database) -------------------------------------

class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因")


class Report(SimpleNamespace):
    def get_absolute_url(self):
        return "/reports/R1/"


def _send(report, data, request):
    MACHINE.apply(report, "send")


def _return(report, data, request):
    MACHINE.apply(report, "decide", request.user, target=S.RETURNED, data=data)


ACTIONS = {
    "send": ViewAction(None, _send, label="报送", success="已报送。", anchor="status"),
    "return": ViewAction(ReasonForm, _return, allowed=_is_head, label="退回"),
}


def _post(data=None, user=HEAD, method="post"):
    request = getattr(RequestFactory(), method)("/reports/R1/act/", data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


@pytest.mark.django_db
def test_dispatch_runs_the_action_and_redirects_to_its_anchor():
    report, request = Report(status=S.DRAFT), _post()
    response = dispatch(request, report, ACTIONS, "send")
    assert (response.status_code, response["Location"]) == (302, "/reports/R1/#status")
    assert report.status == S.SENT
    assert _messages(request) == [("success", "已报送。")]


@pytest.mark.django_db
def test_dispatch_shows_a_refusal_as_the_pages_message():
    report, request = Report(status=S.SIGNED), _post()
    response = dispatch(request, report, ACTIONS, "send")
    assert response.status_code == 302
    assert report.status == S.SIGNED
    assert _messages(request) == [("error", "当前状态为“已签收”，不能报送")]


@pytest.mark.django_db
def test_dispatch_shows_an_invalid_form_with_its_labels():
    report, request = Report(status=S.SENT), _post({"return-reason": ""})
    dispatch(request, report, ACTIONS, "return")
    assert report.status == S.SENT
    assert _messages(request) == [("error", "退回未完成：原因 该字段是必填项。")]


@pytest.mark.django_db
def test_dispatch_binds_the_prefixed_form_and_passes_its_data():
    report, request = Report(status=S.SENT), _post({"return-reason": "缺材料"})
    dispatch(request, report, ACTIONS, "return")
    assert report.status == S.RETURNED
    assert _messages(request) == [("success", "退回已完成")]


@pytest.mark.django_db
def test_a_success_message_may_be_made_from_what_the_service_returned():
    noted = ViewAction(None, lambda report, data, request: f"{report.status}-1", success=lambda code: f"已登记：{code}")
    request = _post()
    dispatch(request, Report(status=S.DRAFT), {"note": noted}, "note")
    assert _messages(request) == [("success", f"已登记：{S.DRAFT}-1")]


@pytest.mark.django_db
def test_dispatch_hands_errors_to_on_error_when_the_page_rerenders():
    seen = []

    def on_error(form, refusal):
        if refusal is not None:
            show_refusal(None, refusal, form)
        seen.append((form.is_bound, refusal and refusal.code, form.errors.get("__all__")))
        return "page"

    assert dispatch(_post({"return-reason": ""}), Report(status=S.SENT), ACTIONS, "return", on_error=on_error) == "page"
    assert dispatch(_post({"return-reason": "x"}), Report(status=S.DRAFT), ACTIONS, "return",
                    on_error=on_error) == "page"
    assert seen == [(True, None, None), (True, "state", ["当前状态为“草稿”，不能处理"])]


@pytest.mark.django_db
def test_dispatch_refuses_a_user_the_action_does_not_allow(staff):
    staff.is_head = False  # deny() records the attempt, so a real user
    report = Report(status=S.SENT)
    with pytest.raises(PermissionDenied):
        dispatch(_post({"return-reason": "x"}, user=staff), report, ACTIONS, "return")
    assert report.status == S.SENT


@pytest.mark.django_db
def test_dispatch_answers_get_with_405_and_an_unknown_action_with_404():
    assert dispatch(_post(method="get"), Report(status=S.DRAFT), ACTIONS, "send").status_code == 405
    with pytest.raises(Http404):
        dispatch(_post(), Report(status=S.DRAFT), ACTIONS, "fly")
