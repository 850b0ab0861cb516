"""任职回避 (《党政领导干部任职回避暂行规定》): the rules (a settings row) and the reviews made under them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cadres.models.cadre import Cadre
from core.models import SingleRowSettings

# 夫妻关系、直系血亲关系、三代以内旁系血亲关系以及近姻亲关系, as the 称谓 of the 任免审批表 writes them (第五条).
DEFAULT_AVOIDANCE_RELATIONS = [
    "丈夫", "妻子", "夫", "妻", "配偶",
    "父亲", "母亲", "儿子", "女儿", "祖父", "祖母", "外祖父", "外祖母", "孙子", "孙女", "外孙", "外孙女",
    "哥哥", "弟弟", "姐姐", "妹妹", "兄", "弟", "姐", "妹", "伯父", "叔父", "姑母", "舅父", "姨母",
    "堂兄", "堂弟", "堂姐", "堂妹", "表兄", "表弟", "表姐", "表妹", "侄子", "侄女", "外甥", "外甥女",
    "岳父", "岳母", "公公", "婆婆", "儿媳", "女婿", "嫂子", "弟媳", "姐夫", "妹夫",
]
# 组织（人事）、纪检监察、审计、财务工作 (第五条).
DEFAULT_SUPERVISING_KEYWORDS = ["组织", "人事", "纪检", "纪委", "监察", "监委", "审计", "财务", "会计"]
# 地域回避 (第九条): posts not held in one's native county.
DEFAULT_REGIONAL_POSTS = ["县委书记", "县长", "组织部长", "组织部部长", "纪委书记", "法院院长", "检察院检察长",
                          "公安局长", "公安局局长"]


def default_avoidance_relations():
    return list(DEFAULT_AVOIDANCE_RELATIONS)


def default_supervising_keywords():
    return list(DEFAULT_SUPERVISING_KEYWORDS)


def default_regional_posts():
    return list(DEFAULT_REGIONAL_POSTS)


class AvoidanceRules(SingleRowSettings):
    """The numbers of the 任职回避 rule (cadres.avoidance), the regulation's by default; one row, edited by the
    系统管理员 in the admin."""

    relations = ArrayField(models.CharField(max_length=10), verbose_name="须回避的亲属称谓",
                           default=default_avoidance_relations,
                           help_text="夫妻、直系血亲、三代以内旁系血亲及近姻亲，按任免审批表的称谓填写，逗号分隔")
    supervising_keywords = ArrayField(models.CharField(max_length=10), verbose_name="监督性岗位关键词",
                                      default=default_supervising_keywords,
                                      help_text="职务名称含其一，即视为从事组织（人事）、纪检监察、审计、财务工作")
    regional_posts = ArrayField(models.CharField(max_length=20), verbose_name="实行地域回避的职务",
                                default=default_regional_posts,
                                help_text="不得在本人成长地（籍贯、出生地）所在县（市、区）担任的职务；副职不在此列")

    class Meta:
        verbose_name = verbose_name_plural = "任职回避参数"

    def __str__(self):
        return "任职回避参数"


class AvoidanceReview(models.Model):
    """The office's decision on one suspected 任职回避 conflict: confirmed (it stays a blocking warning) or dismissed
    with a reason (it is no longer raised). The fingerprint covers the facts the conflict was found from (who,
    which relation, which units and posts), so a dismissed conflict comes back as soon as any of them changes."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "确认存在"
        DISMISSED = "dismissed", "排除"

    fingerprint = models.CharField("情形指纹", max_length=64, unique=True)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="avoidance_reviews")
    relative = models.ForeignKey(Cadre, verbose_name="亲属", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    summary = models.CharField("情形", max_length=300)
    decision = models.CharField("核实结论", max_length=16, choices=Decision.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("核实时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "任职回避核实"
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.summary}（{self.get_decision_display()}）"
