"""任前把关: a vetting case for one candidate and one proposed post, its steps and its append-only record."""

from vetting.models.cases import (  # noqa: F401
    Batch,
    CaseStatus,
    CrossCheck,
    CrossCheckItem,
    MeetingKind,
    MoveKind,
    StepEvent,
    StepKind,
    VettingCase,
)
from vetting.models.config import VettingSettings  # noqa: F401
from vetting.models.steps import (  # noqa: F401
    Appointment,
    ArchiveProblem,
    ArchiveResult,
    ArchiveReview,
    Department,
    DisciplineConclusion,
    DisciplineOpinion,
    ExamAttempt,
    FeedbackChannel,
    FeedbackConclusion,
    IntegrityTalk,
    OpinionRequest,
    PersonalMattersCheck,
    PersonalMattersResult,
    PetitionCheck,
    ProbationResult,
    Publicity,
    PublicityFeedback,
    PublicityOutcome,
    Recommendation,
    TalkBody,
)
