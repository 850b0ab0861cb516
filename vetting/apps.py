from django.apps import AppConfig

# Named constraints as sentences (core.constraints): the safety net behind the services' own checks.
CONSTRAINT_MESSAGES = {
    "vetting_vettingcase_suspended_has_stage": "暂缓的考察须记录暂缓前的环节。",
    "vetting_recommendation_for_within_cast": "赞成票数不能多于投票总数。",
    "vetting_opinionrequest_one_per_department": "已向该部门征求过意见。",
    "vetting_examattempt_once_per_no": "该次考试成绩已登记。",
    "vetting_examattempt_one_retake": "三考只能补考一次。",
    "vetting_publicity_not_shorter": "公示期不能短于规定的工作日数。",
}


class VettingConfig(AppConfig):
    name = "vetting"
    verbose_name = "任前把关"

    def ready(self):
        # The apps' modules import models, which load after the AppConfig: import them here, not at the top.
        from cadres import registry
        from core import constraints, deadlines
        from vetting import deadlines as vetting_deadlines
        from vetting import search, timeline, workbench  # noqa: F401  (workbench registers itself; deadlines the recompute)

        for provider in vetting_deadlines.PROVIDERS:
            deadlines.register(provider)
        registry.register_timeline(timeline.entries)
        constraints.register_many(CONSTRAINT_MESSAGES)
