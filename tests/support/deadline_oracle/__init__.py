"""The deadline providers as they were before the scan became set-based (one Python object per item), kept only as
the test oracle of tests/core/test_scan_equivalence.py: the set-based scan must notify exactly what they did."""

from tests.support.deadline_oracle import audits, cadres, liaison, matters, petitions, vetting

PROVIDERS = [
    *(getattr(cadres, name) for name in ("inquiry_replies", "personal_matters_reports", "change_and_new_reports")),
    *vetting.PROVIDERS,
    audits.rectification_deadlines, audits.draft_comment_deadlines,
    petitions.provider,
    *(getattr(liaison, name) for name in ("report_reminders", "missing_reports", "decision_deadlines",
                                          "decision_deadlines_for_units", "plenary_meeting")),
    *matters.PROVIDERS,
]
