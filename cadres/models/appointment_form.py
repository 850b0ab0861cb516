"""干部任免审批表 (.lrmx): what the form carries that the cadre record lacks."""


from django.db import models

from cadres import idcard
from cadres.models.cadre import Cadre


class AppointmentProfile(models.Model):
    """The facts of the national 干部任免审批表 that have no place on Cadre; filled by the .lrmx import (cadres.lrmx)
    and printed on the form. Education is kept as the editor writes it: 学历, 学位, and 毕业院校系及专业 (school,
    department and major in one text) for the 学历 and for the 学位."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.CASCADE,
                                 related_name="appointment_profile")
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=30, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=100, blank=True)
    specialty = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    fulltime_education = models.CharField("全日制教育学历", max_length=30, blank=True)
    fulltime_degree = models.CharField("全日制教育学位", max_length=30, blank=True)
    fulltime_school = models.CharField("全日制教育毕业院校系及专业", max_length=200, blank=True)
    fulltime_degree_school = models.CharField("全日制教育学位授予院校系及专业", max_length=200, blank=True)
    inservice_education = models.CharField("在职教育学历", max_length=30, blank=True)
    inservice_degree = models.CharField("在职教育学位", max_length=30, blank=True)
    inservice_school = models.CharField("在职教育毕业院校系及专业", max_length=200, blank=True)
    inservice_degree_school = models.CharField("在职教育学位授予院校系及专业", max_length=200, blank=True)
    # 拟任/拟免: kept on the record for vetting.
    proposed_post = models.CharField("拟任职务", max_length=200, blank=True)
    proposed_removal = models.CharField("拟免职务", max_length=200, blank=True)
    appointment_reason = models.TextField("任免理由", blank=True)
    rewards_penalties = models.TextField("奖惩情况", blank=True,
                                         help_text="表中填写的奖惩情况；监督措施另从监督措施记录中列出")
    assessment_text = models.TextField("年度考核结果（未能识别的文字）", blank=True,
                                       help_text="能识别出年度和等次的已记入年度考核")
    # Résumé lines that did not parse into a position: [{"text": ..., "after": "YYYY-MM" or ""}], where "after" is
    # the start month of the position line they followed (so the form prints them in place).
    resume_notes = models.JSONField("简历中未能识别的行", default=list, blank=True)
    reporting_unit = models.CharField("呈报单位", max_length=100, blank=True)
    age_reference_date = models.DateField("计算年龄时间", null=True, blank=True)
    filled_on = models.DateField("填表时间", null=True, blank=True)
    filled_by = models.CharField("填表人", max_length=50, blank=True)
    photo = models.BinaryField("照片", null=True, blank=True)
    photo_type = models.CharField("照片类型", max_length=30, blank=True)
    source_version = models.CharField("来源文件版本", max_length=30, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "任免审批表信息"

    def __str__(self):
        return f"{self.cadre} 任免审批表信息"


class FamilyMember(models.Model):
    """家庭成员及重要社会关系: visible only with the permission cadres.view_family_members (科室负责人)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family_members")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="精确到月（记为当月1日）")
    political_status = models.CharField("政治面貌", max_length=30, blank=True)
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    # Not on the 任免审批表 (nor in LRMX): entered on the profile where known; 任职回避 matches by it first.
    id_number = models.CharField("身份证号", max_length=18, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["cadre", "order", "id"]
        default_permissions = ()
        permissions = [("view_family_members", "查看家庭成员")]

    def __str__(self):
        return f"{self.cadre} {self.relation}"

    @property
    def masked_id_number(self):
        return idcard.mask(self.id_number) if self.id_number else ""
