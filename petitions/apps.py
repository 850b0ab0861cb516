from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate

# Named constraints as sentences (core.constraints): the safety net behind the services' own checks.
CONSTRAINT_MESSAGES = {
    "petitions_timelimit_one_per_stage": "该辖区该类别和环节的时限已存在。",
    "petitions_petitionsubject_cadre_or_name": "被反映人须选择干部或填写姓名。",
    "petitions_petitionsubject_once_per_case": "该干部已是本件的被反映人。",
    "petitions_handlingproposal_one_pending": "本件已有待审批的拟办意见，请先审批。",
    "petitions_reviewrequest_one_accepted_per_level": "本件已登记过该级复查（复核）请求。",
    "petitions_reviewrequest_answered_has_answer": "答复须填写答复日期和意见。",
    "petitions_reviewrequest_refusal_has_reason": "不予受理须写明理由。",
    "petitions_reviewrequest_received_after_requested": "收到请求的日期不能早于提出请求的日期。",
}


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "信访举报"

    def ready(self):
        # The apps' modules import models, which load after the AppConfig: import them here, not at the top.
        # checks: the cipher self-test; timeline/warnings: contributions to the cadres hub (cadres.registry);
        # liaison_hooks: the office's 转信访举报件 disposal of a liaison item registers a case here.
        from core import constraints, workdays
        from core import deadlines as core_deadlines
        from liaison import hooks as liaison_hooks
        from petitions import (  # noqa: F401
            checks,
            deadlines,
            exports,
            reviews,
            search,
            services,
            tallies,
            timeline,
            warnings,
            workbench,
        )
        from petitions.defaults import ensure_defaults

        core_deadlines.register(deadlines.provider)
        workdays.register_recompute(services.recompute_deadlines)
        workdays.register_recompute(reviews.recompute_answer_deadlines)
        liaison_hooks.register_disposal_handler("to_petition", services.register_from_liaison)
        post_migrate.connect(ensure_defaults, sender=self)
        post_migrate.connect(forward_waiting_handoffs, sender=self)
        constraints.register_many(CONSTRAINT_MESSAGES)
        exports.register()
        tallies.register()


def forward_waiting_handoffs(using="default", **kwargs):
    """On upgrade, 转信访举报件 disposals recorded while no hand-off was registered become cases. After migrate
    rather than in a data migration: the hand-off runs today's petitions, cadres and audit code, which needs the
    whole schema current, and migrate orders other apps' migrations freely. One EXISTS query when none wait."""
    from liaison.models import Disposal  # here, not at the top: apps.py loads before the models

    waiting = Disposal.objects.using(using).filter(action=Disposal.Action.TO_PETITION,
                                                   handoff_status=Disposal.Handoff.PENDING)
    if waiting.exists():
        call_command("forward_liaison_handoffs")
