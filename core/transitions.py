"""State machines as one table each, and one way for a page to dispatch its actions.

The table (services use it):

    MACHINE = Machine(Status, [
        Transition("submit", "报送", source=Status.DRAFT, target=Status.SUBMITTED),
        Transition("approve", "审批同意", source=Status.PROPOSED, target=(Status.INVESTIGATING, Status.ON_HOLD)),
        Transition("return", "退回", source=Status.SUBMITTED, target=Status.RETURNED, required={"reason": "退回原因"}),
        Transition("note", "记录", source=(Status.OPEN, Status.HELD)),   # no target: the status does not change
    ], field="status")

- `Transition(action, label, source, target=(), allowed=None, required={})`: `source`/`target` take one state or
  a tuple; several targets mean the service picks one (and names it); `allowed(user, obj)` says who may; `required`
  maps the data the action needs ({name: Chinese label}). An action may have several rows (other sources).
- `machine.check(obj, action, user=None, *, target=None, data=None)` raises `core.refusals.Refused` (code "state",
  "target", "denied" or "required") with a Chinese message naming the current state and the action; returns the row.
- `machine.apply(obj, action, user=None, *, target=None, data=None)` checks, sets the field and returns the audit
  changes {"status": [old, new]}; it does not lock or save: the service locks the row first and saves its fields.
- `machine.available(obj, user=None)`: the actions offered now, in table order; `machine.label(action)`;
  `machine.illegal()`: every (state, action) pair the table refuses, for the test that tries them all.

The dispatch (views use it), generalising vetting's Action table:

    ACTIONS = {"sign": ViewAction(None, lambda report, data, request: services.sign(report, ...),
                                  allowed=perms.can_sign, label="签收", success="已签收。", anchor="status")}
    return dispatch(request, report, ACTIONS, action)

`dispatch` answers 405 to a non-POST, 404 to an unknown action, 403 (recorded) when `allowed(user, obj)` says no;
binds the form (`form_kwargs(obj, user)` for forms that take the object), runs `run(obj, data, request)` inside a
transaction, shows a Refused or an invalid form as the page's message (or hands it to `on_error` to re-render),
and redirects to the object's page (`get_absolute_url()`) at `#anchor`.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect

from core.permissions import deny
from core.refusals import Refused, show_form_errors, show_refusal


def _states(value):
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (tuple, list, set, frozenset)) else (value,)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], (), {})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: tuple
    target: tuple = ()
    allowed: Callable | None = None  # allowed(user, obj) -> bool; None: the view's role check is enough
    required: tuple = ()  # ((name, Chinese label), ...); a dict is accepted

    def __post_init__(self):
        object.__setattr__(self, "source", _states(self.source))
        object.__setattr__(self, "target", _states(self.target))
        required = self.required.items() if isinstance(self.required, dict) else self.required
        object.__setattr__(self, "required", tuple(required))

    @property
    def changes_state(self):
        return bool(self.target)


class Machine:
    def __init__(self, states, transitions, *, field="status"):
        self.states = states  # the TextChoices of the field
        self.field = field
        self.transitions = tuple(transitions)
        self.actions = tuple(dict.fromkeys(t.action for t in self.transitions))

    def _state_label(self, state):
        try:
            return self.states(state).label
        except ValueError:
            return str(state)

    def label(self, action):
        return self.rows(action)[0].label

    def rows(self, action):
        rows = [t for t in self.transitions if t.action == action]
        if not rows:
            raise KeyError(f"unknown action {action!r}")
        return rows

    def find(self, state, action):
        """The row for `action` from `state`, or None when the table does not allow it."""
        return next((t for t in self.rows(action) if state in t.source), None)

    def allows(self, state, action):
        return self.find(state, action) is not None

    def check(self, obj, action, user=None, *, target=None, data=None):
        state = getattr(obj, self.field)
        row = self.find(state, action)
        if row is None:
            raise Refused(f"当前状态为“{self._state_label(state)}”，不能{self.label(action)}", code="state")
        if target is not None and target not in row.target:
            raise Refused(f"{row.label}不能使其转为“{self._state_label(target)}”", code="target")
        if user is not None and row.allowed is not None and not row.allowed(user, obj):
            raise Refused(f"您无权{row.label}", code="denied")
        for name, label in row.required:
            if _blank((data or {}).get(name)):
                raise Refused(f"请填写{label}", field=name, code="required")
        return row

    def apply(self, obj, action, user=None, *, target=None, data=None):
        row = self.check(obj, action, user, target=target, data=data)
        if not row.target:
            return {}
        if target is None:
            if len(row.target) > 1:
                raise ValueError(f"{action!r} leads to several states: the service must name the target")
            target = row.target[0]
        old = getattr(obj, self.field)
        setattr(obj, self.field, target)
        return {self.field: [old, target]}

    def available(self, obj, user=None):
        state = getattr(obj, self.field)
        return [action for action in self.actions
                if (row := self.find(state, action)) is not None
                and (user is None or row.allowed is None or row.allowed(user, obj))]

    def illegal(self):
        """Every (state, action) the table refuses: the test tries each and expects Refused."""
        return [(state, action) for state in self.states.values for action in self.actions
                if not self.allows(state, action)]


def _anyone(user, obj):
    return True


@dataclass(frozen=True)
class ViewAction:
    form: type | None
    run: Callable  # run(obj, data, request); data is the form's cleaned_data ({} without a form)
    allowed: Callable = _anyone  # allowed(user, obj) -> bool, else 403 (recorded)
    label: str = ""
    success: str | Callable = ""  # the success message ("" = "〈label〉已完成"), or success(result of run) -> message
    anchor: str = ""
    files: bool = False
    form_kwargs: Callable | None = None  # form_kwargs(obj, user) -> dict, for forms that take the object
    atomic: bool = True  # False when the service commits a part that must stay even if it then refuses

    def make_form(self, obj, user, data=None, files=None, *, prefix=None):
        extra = self.form_kwargs(obj, user) if self.form_kwargs else {}
        return self.form(data, files if self.files else None, prefix=prefix, **extra)


def dispatch(request, obj, actions, name, *, on_error=None, prefix=True):
    """Run the action `name` of `actions` on `obj` for a POST; see the module docstring.

    `on_error(form, refusal)`, if given, answers an invalid form (refusal None) or a refused action with a form
    (the page re-renders the bound form; `show_refusal(request, refusal, form)` puts the sentence on it); without
    it the error becomes a message and the page redirects. `prefix`: the form's prefix is the action name (several
    forms on one page).
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    spec = actions.get(name)
    if spec is None:
        raise Http404
    label = spec.label or name
    if not spec.allowed(request.user, obj):
        deny(request, label)
    form, data = None, {}
    if spec.form is not None:
        form = spec.make_form(obj, request.user, request.POST, request.FILES, prefix=name if prefix else None)
        if not form.is_valid():
            if on_error is not None:
                return on_error(form, None)
            show_form_errors(request, form, label)
            return _back(obj, spec)
        data = dict(form.cleaned_data)
    try:
        with transaction.atomic() if spec.atomic else contextlib.nullcontext():
            result = spec.run(obj, data, request)
    except Refused as error:
        if on_error is not None and form is not None:
            return on_error(form, error)
        show_refusal(request, error)
    else:
        messages.success(request, spec.success(result) if callable(spec.success) else spec.success or f"{label}已完成")
    return _back(obj, spec)


def _back(obj, spec):
    url = obj.get_absolute_url()
    return redirect(f"{url}#{spec.anchor}" if spec.anchor else url)
