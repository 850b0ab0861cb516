"""The petition state machine: the one table of what may happen in which status. Services check it first
(`MACHINE.check`, which refuses with core.refusals.Refused); who may is petitions.permissions."""

from core.transitions import Machine, Transition
from petitions.models import Disposal, Status

S = Status
# Steps recorded without a change of status are allowed in these.
WORKING = (S.REGISTERED, S.PROPOSED, S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED, S.REVIEWING)

MACHINE = Machine(Status, [
    Transition("propose", "拟办", source=(S.REGISTERED, S.ON_HOLD), target=S.PROPOSED),
    Transition("approve", "审批同意", source=S.PROPOSED,
               target=(S.INVESTIGATING, S.ON_HOLD, S.CONCLUDED, S.TRANSFERRED)),
    Transition("reject", "审批退回", source=S.PROPOSED, target=(S.REGISTERED, S.ON_HOLD)),
    Transition("submit_findings", "提交查核情况", source=S.INVESTIGATING, target=S.REVIEWING),
    Transition("return_for_more", "退回补充查核", source=S.REVIEWING, target=S.INVESTIGATING),
    Transition("conclude", "审核办结", source=S.REVIEWING, target=S.CONCLUDED),
    Transition("record_transfer_reply", "登记转办回复", source=S.TRANSFERRED, target=S.CONCLUDED),
    Transition("record_feedback", "反馈", source=S.CONCLUDED, target=S.FED_BACK),
    Transition("archive", "归档", source=(S.CONCLUDED, S.FED_BACK), target=S.ARCHIVED),
    Transition("link_duplicate", "并案（重复件）", source=(S.REGISTERED, S.PROPOSED), target=S.MERGED),
    Transition("void", "作废", source=WORKING, target=S.VOIDED),
    # Steps recorded without a change of status.
    Transition("assign_handlers", "分配承办人", source=(*WORKING, S.CONCLUDED)),
    Transition("update_investigation", "查核方案", source=S.INVESTIGATING),
    Transition("add_interview", "谈话记录", source=S.INVESTIGATING),
    Transition("notify_acceptance", "受理告知",
               source=(S.INVESTIGATING, S.ON_HOLD, S.TRANSFERRED, S.REVIEWING, S.CONCLUDED)),
    Transition("extend", "延期", source=(S.INVESTIGATING, S.ON_HOLD, S.REVIEWING)),
    Transition("link_subject", "匹配被反映人", source=(*WORKING, S.CONCLUDED, S.FED_BACK)),
    # 复查/复核 (信访事项, after the reply): petitions.reviews
    Transition("request_review", "登记复查（复核）请求", source=(S.FED_BACK, S.ARCHIVED)),
    Transition("answer_review", "登记复查（复核）答复", source=(S.FED_BACK, S.ARCHIVED)),
    Transition("add_attachment", "上传附件", source=(*WORKING, S.CONCLUDED, S.FED_BACK)),
])

# Where an approved proposal leads.
APPROVAL_TARGETS = {
    Disposal.TALK_INQUIRY: S.INVESTIGATING,
    Disposal.PRELIMINARY_CHECK: S.INVESTIGATING,
    Disposal.JOINT_CHECK: S.INVESTIGATING,
    Disposal.HOLD: S.ON_HOLD,
    Disposal.CLOSE: S.CONCLUDED,
    Disposal.TRANSFER: S.TRANSFERRED,
}
