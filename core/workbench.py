"""The staff workbench (工作台): apps contribute the open cases of a user and the quick actions they may take, so
the home view reads them without importing any app's internals (like core.deadlines for the daily scan).

A case source is `my_open_cases(user)` returning `CaseRow`s: the open cases the user handles, each with its
next deadline, whether something came back to them lately, and whether they registered it. It must run a fixed
number of queries, whatever the number of cases, and scope with the model's visible_to(user).
An action source is `action(user)` returning a `QuickAction` or None when the user may not take it.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.deadlines import Level, level_for

# How far back a reply or a return counts as "came back to me", and "this week" for registrations.
RECENT_DAYS = 7
# A deadline's colour follows the level of the reminder the daily scan sends for it (core.deadlines.level_for):
# red once due today or overdue, amber within the notice period (DEADLINE_NOTICE_DAYS).
URGENCY = {Level.OVERDUE: "urgent", Level.WARNING: "urgent", Level.NOTICE: "soon"}

_case_sources = []
_action_sources = []


@dataclass(frozen=True)
class CaseRow:
    label: str  # the kind of case: 任前考察, 信访件, 经济责任审计
    code: str  # the readable case number
    title: str  # whom or what it is about
    state: str  # the state's Chinese label
    url: str
    deadline: datetime.date | None = None  # the nearest deadline still open
    deadline_label: str = ""  # what is due then
    came_back: str = ""  # why it is back on the user's desk (returned, reply received), empty if not
    registered_on: datetime.date | None = None  # set when the user registered the case
    handled_by_me: bool = True  # False for a case the user registered but someone else handles

    def days_left(self, today=None):
        return None if self.deadline is None else (self.deadline - (today or timezone.localdate())).days

    def urgency(self, today=None):
        """'urgent' (due today or overdue), 'soon' (within the notice period) or '': the deadline's colour."""
        if self.deadline is None:
            return ""
        return URGENCY.get(level_for(self.deadline, today or timezone.localdate()), "")


@dataclass(frozen=True)
class QuickAction:
    label: str
    url: str
    hint: str = ""
    order: int = 0  # the office's usual order: 登记信访件, 启动任前考察, 录入监督措施


def register_cases(source):
    """Add a `my_open_cases(user)` source (call from AppConfig.ready())."""
    if source not in _case_sources:
        _case_sources.append(source)
    return source


def register_action(source):
    """Add an `action(user)` source (call from AppConfig.ready())."""
    if source not in _action_sources:
        _action_sources.append(source)
    return source


def _deadline_key(row):
    return (row.deadline is None, row.deadline or datetime.date.max, row.code)


def open_cases(user):
    """Every app's open cases of the user, nearest deadline first, those without a deadline last."""
    rows = [row for source in _case_sources for row in source(user)]
    return sorted(rows, key=_deadline_key)


def quick_actions(user):
    actions = [action for action in (source(user) for source in _action_sources) if action is not None]
    return sorted(actions, key=lambda action: action.order)


def recent_since(today=None):
    return (today or timezone.localdate()) - datetime.timedelta(days=RECENT_DAYS)


def week_start(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def board(user, today=None):
    """What the home page shows: open cases, what came back, what the user registered this week, actions."""
    today = today or timezone.localdate()
    rows = open_cases(user)
    monday = week_start(today)
    return {
        "cases": [row for row in rows if row.handled_by_me],
        "came_back": [row for row in rows if row.came_back],
        "registered_this_week": [row for row in rows if row.registered_on and row.registered_on >= monday],
        "actions": quick_actions(user),
        "today": today,
    }
