"""Every operation on a vetting case. Each one is atomic, locks the case row, refuses to touch a closed case,
appends to the case record (全程纪实, StepEvent) and writes the audit log. The moves between stages go through
`lifecycle.transition`, which applies vetting.workflow.MACHINE.

One module a stage family: `lifecycle` (opening, moving, suspending, terminating a case), `inspecting` (考察:
民主推荐, 凡提四必, 征求意见, 三考), `publicizing` (任前公示), `appointing` (任前廉政谈话, the cross-check at the gates,
任职, 试用期); `common` holds what they share (the case lock, the case record, the services' today)."""
