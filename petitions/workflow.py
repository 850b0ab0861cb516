"""The petition state machine: the one table of what may happen in which status. Services check it first."""

from petitions.models import Disposal, Status

S = Status


class TransitionError(Exception):
    """An action not allowed in the case's current status (or with these data); the message is for the user."""


# action -> (label, statuses it is allowed in, statuses it may lead to; () = the status does not change)
ACTIONS = {
    "propose": ("拟办", (S.REGISTERED, S.ON_HOLD), (S.PROPOSED,)),
    "approve": ("审批同意", (S.PROPOSED,), (S.INVESTIGATING, S.ON_HOLD, S.CONCLUDED, S.TRANSFERRED)),
    "reject": ("审批退回", (S.PROPOSED,), (S.REGISTERED, S.ON_HOLD)),
    "submit_findings": ("提交查核情况", (S.INVESTIGATING,), (S.REVIEWING,)),
    "return_for_more": ("退回补充查核", (S.REVIEWING,), (S.INVESTIGATING,)),
    "conclude": ("审核办结", (S.REVIEWING,), (S.CONCLUDED,)),
    "record_transfer_reply": ("登记转办回复", (S.TRANSFERRED,), (S.CONCLUDED,)),
    "record_feedback": ("反馈", (S.CONCLUDED,), (S.FED_BACK,)),
    "archive": ("归档", (S.CONCLUDED, S.FED_BACK), (S.ARCHIVED,)),
    "link_duplicate": ("并案（重复件）", (S.REGISTERED, S.PROPOSED), (S.MERGED,)),
    "void": ("作废", (S.REGISTERED, S.PROPOSED, S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED, S.REVIEWING),
             (S.VOIDED,)),
    # Steps recorded without a change of status.
    "assign_handlers": ("分配承办人", (S.REGISTERED, S.PROPOSED, S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED,
                                   S.REVIEWING, S.CONCLUDED), ()),
    "update_investigation": ("查核方案", (S.INVESTIGATING,), ()),
    "add_interview": ("谈话记录", (S.INVESTIGATING,), ()),
    "notify_acceptance": ("受理告知", (S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED, S.REVIEWING, S.CONCLUDED), ()),
    "extend": ("延期", (S.INVESTIGATING, S.ON_HOLD, S.REVIEWING), ()),
    "link_subject": ("匹配被反映人", (S.REGISTERED, S.PROPOSED, S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED,
                                  S.REVIEWING, S.CONCLUDED, S.FED_BACK), ()),
    # 复查/复核 (信访事项, after the reply): petitions.reviews
    "request_review": ("登记复查（复核）请求", (S.FED_BACK, S.ARCHIVED), ()),
    "answer_review": ("登记复查（复核）答复", (S.FED_BACK, S.ARCHIVED), ()),
    "add_attachment": ("上传附件", (S.REGISTERED, S.PROPOSED, S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED,
                                S.REVIEWING, S.CONCLUDED, S.FED_BACK), ()),
}

STATUS_CHANGING = tuple(name for name, (_label, _from, to) in ACTIONS.items() if to)

# Where an approved proposal leads.
APPROVAL_TARGETS = {
    Disposal.TALK_INQUIRY: S.INVESTIGATING,
    Disposal.PRELIMINARY_CHECK: S.INVESTIGATING,
    Disposal.JOINT_CHECK: S.INVESTIGATING,
    Disposal.HOLD: S.ON_HOLD,
    Disposal.CLOSE: S.CONCLUDED,
    Disposal.TRANSFER: S.TRANSFERRED,
}


def label(action):
    return ACTIONS[action][0]


def allowed(status, action):
    return status in ACTIONS[action][1]


def check(petition, action, target=None):
    """Raise TransitionError unless `action` may run now (and may lead to `target`)."""
    name, sources, targets = ACTIONS[action]
    if petition.status not in sources:
        raise TransitionError(f"当前状态为“{petition.get_status_display()}”，不能{name}")
    if target is not None and target not in targets:
        raise TransitionError(f"{name}不能使案件转为“{Status(target).label}”")


def available(status):
    """Actions allowed in a status (the case page offers these, filtered by the user's permissions)."""
    return [action for action, (_label, sources, _to) in ACTIONS.items() if status in sources]
