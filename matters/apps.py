from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Named constraints as sentences (core.constraints): the safety net behind the services' own checks.
CONSTRAINT_MESSAGES = {
    "matters_exitentryregistration_one_active": "该干部已在出入境登记备案中。",
    "matters_exitentryregistration_removed_after_registered": "撤销备案日期不能早于备案日期。",
    "matters_certificate_number_unique": "该证照号码已登记。",
    "matters_certificate_expires_after_issue": "证照有效期至须晚于签发日期。",
    "matters_travelapplication_returns_after_departure": "回国（境）日期不能早于出发日期。",
    "matters_reviewopinion_once": "该部门已提出联审意见。",
    "matters_reviewopinion_result_dated": "登记联审意见须填写答复日期。",
    "matters_certificateloan_one_open": "该证照已借出，尚未交回。",
    "matters_certificateloan_returned_after_lent": "交回日期不能早于借出日期。",
    "matters_investigationrecord_end_after_start": "结束日期不能早于立案日期。",
    "matters_inspectionitem_deadline_after_start": "整改期限不能早于整改开始日期。",
    "matters_inspectionitem_number_once": "问题序号冲突（可能有人同时登记），请重新提交。",
    "matters_bordercrossing_once": "该出入境记录已报送。",
}


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "重要事项联审"

    def ready(self):
        # The apps' modules import models, which load after the AppConfig: import them here, not at the top.
        from core import constraints
        from core.deadlines import register
        from matters import deadlines, exports, search, services, timeline, warnings, workbench  # noqa: F401  (register rules and sources)
        from matters.defaults import ensure_defaults

        for provider in deadlines.PROVIDERS:
            register(provider)
        post_migrate.connect(ensure_defaults, sender=self)
        constraints.register_many(CONSTRAINT_MESSAGES)
        exports.register()
