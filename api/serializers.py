"""Input shapes (types and sizes only: the rules are the services') and output shapes of the API."""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.models import Aspect, ItemSource, Severity
from matters.models import CrossingDirection
from petitions.models import CaseType, Channel, ProblemCategory

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_ITEMS = 50


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、conflict、not_found、throttled")
    message = serializers.CharField(help_text="中文说明")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="出错的字段及其说明（嵌套字段以“.”连接，如 items.0.aspect）")


def check_period(value):
    if not PERIOD.match(value):
        raise serializers.ValidationError("月份格式应为 YYYY-MM，如 2026-10")
    return value


# --- liaison -----------------------------------------------------------------------------------------------------

class ItemInSerializer(serializers.Serializer):
    code = serializers.UUIDField(required=False, help_text="更正已有事项时填写其编号；新增事项不填")
    version = serializers.IntegerField(required=False, min_value=0, help_text="更正已有事项时填写读取到的版本号")
    cadre_name = serializers.CharField(max_length=50, label="干部姓名")
    cadre_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label="单位职务")
    is_principal = serializers.BooleanField(default=False, label="一把手",
                                            help_text="一把手相关事项将即时作为即时通报报送，不再列入月度通报")
    aspect = serializers.ChoiceField(choices=Aspect.choices, label="方面")
    description = serializers.CharField(max_length=5000, label="具体情况")
    source_kind = serializers.ChoiceField(choices=ItemSource.choices, default=ItemSource.WORK, label="来源类别")
    source = serializers.CharField(max_length=200, label="信息来源")
    occurred_on = serializers.DateField(label="发生时间")
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR, label="严重程度")

    def fields_for_service(self, data):
        return {key: value for key, value in data.items() if key not in ("code", "version")}


class ReportInSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, validators=[check_period], label="所属月份",
                                   help_text="YYYY-MM")
    nil = serializers.BooleanField(default=False, label="零报告", help_text="本月无应报告事项时为 true，items 须为空")
    nil_statement = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                          label="零报告说明")
    remarks = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label="备注")
    items = ItemInSerializer(many=True, required=False, default=list, max_length=MAX_ITEMS, label="事项")


class ReportCorrectionSerializer(ReportInSerializer):
    period = None
    version = serializers.IntegerField(min_value=0, label="版本号", help_text="读取通报时得到的 version（乐观锁）")
    void_reason = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="成员单位通过接口更正时删除", label="删除原因",
                                        help_text="未列入 items 的原有事项按此原因删除")


class UrgentInSerializer(ItemInSerializer):
    code = None
    version = None
    is_principal = None


class DisposalOutSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    decided_on = serializers.DateField()
    feedback = serializers.CharField(help_text="监督科反馈成员单位的意见")


class ItemOutSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    version = serializers.IntegerField()
    report_code = serializers.UUIDField(source="report.code", help_text="所在通报；一把手事项为其即时通报")
    cadre_name = serializers.CharField()
    cadre_post = serializers.CharField()
    is_principal = serializers.BooleanField()
    aspect = serializers.CharField()
    description = serializers.CharField()
    source_kind = serializers.CharField()
    source = serializers.CharField()
    occurred_on = serializers.DateField()
    severity = serializers.CharField()
    disposals = DisposalOutSerializer(many=True, source="disposals.all", help_text="监督科的处置")


class ReportSummarySerializer(serializers.Serializer):
    code = serializers.UUIDField()
    kind = serializers.CharField()
    period = serializers.CharField(source="period_value")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    is_nil = serializers.BooleanField()
    is_late = serializers.BooleanField()
    version = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()


class ReportPageSerializer(serializers.Serializer):
    """One page of a list (api.base.Pages)."""

    count = serializers.IntegerField(help_text="符合条件的总数")
    next = serializers.URLField(allow_null=True, help_text="下一页的地址；最后一页为 null")
    previous = serializers.URLField(allow_null=True, help_text="上一页的地址；第一页为 null")
    results = ReportSummarySerializer(many=True)


class ReportOutSerializer(ReportSummarySerializer):
    nil_statement = serializers.CharField()
    remarks = serializers.CharField()
    items = serializers.SerializerMethodField()
    urgent_reports = serializers.SerializerMethodField(help_text="本次提交中转为即时通报的一把手事项所在通报")

    @extend_schema_field(ItemOutSerializer(many=True))
    def get_items(self, report):
        return ItemOutSerializer(self.context.get("items", []), many=True).data

    def get_urgent_reports(self, report) -> list[str]:
        return [str(code) for code in self.context.get("urgent", [])]


# --- petitions ---------------------------------------------------------------------------------------------------

class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SubjectSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="",
                                      help_text="被反映干部的身份证号（优先）")
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text="单位名称或简称；与 name 一起用于匹配干部，未匹配的按“暂未匹配”登记")
    post_title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate(self, data):
        if not data["id_number"].strip() and not data["name"].strip():
            raise serializers.ValidationError({"name": ["请填写身份证号，或姓名和单位"]})
        return data


class PetitionInSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB_12380, label="来源渠道")
    received_on = serializers.DateField(label="收件日期")
    case_type = serializers.ChoiceField(choices=CaseType.choices, default=CaseType.ACCUSATION, label="件别")
    is_named = serializers.BooleanField(label="实名", help_text="实名举报须填写 reporter（姓名及电话或地址）")
    reporter = ReporterSerializer(required=False, allow_null=True, label="举报人",
                                  help_text="与页面登记一样加密保存（SM4-GCM），任何列表和导出都不显示")
    subjects = SubjectSerializer(many=True, min_length=1, max_length=20, label="被反映人")
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label="涉及单位",
                                 help_text="单位代码；不填则取第一名已匹配干部的现任单位")
    categories = serializers.ListField(child=serializers.ChoiceField(choices=ProblemCategory.choices),
                                       min_length=1, max_length=len(ProblemCategory.choices), label="问题类别")
    summary = serializers.CharField(max_length=300, label="内容摘要")
    full_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="",
                                      label="反映内容全文")
    clues_specific = serializers.BooleanField(default=False, label="线索具体")


class PetitionMultipartSerializer(serializers.Serializer):
    """For the schema: multipart/form-data with the JSON body in `payload` and the files in `attachments`."""

    payload = serializers.CharField(help_text="与 application/json 请求体相同的 JSON 文本")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class DuplicateSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="可能重复的已登记件的编号")
    reasons = serializers.ListField(child=serializers.CharField())


class PetitionOutSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="案件编号，如 XF-2026-00042")
    query_code = serializers.CharField(help_text="查询码（可告知举报人，用于查询办理进度）")
    status = serializers.CharField()
    matched_subjects = serializers.IntegerField(help_text="已匹配到干部的被反映人数")
    duplicates = DuplicateSerializer(many=True, help_text="查重：可能反映同一问题的已登记件")


# --- exit-entry records ------------------------------------------------------------------------------------------

class CrossingInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, label="身份证号", help_text="已登记备案干部的身份证号")
    direction = serializers.ChoiceField(choices=CrossingDirection.choices, label="出/入境")
    crossed_on = serializers.DateField(label="出入境日期")
    port = serializers.CharField(max_length=100, label="口岸")
    document_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                            label="证件号码")


class CrossingOutSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    created = serializers.BooleanField(help_text="false：同一记录此前已报送，未重复保存")
    matched = serializers.BooleanField(help_text="是否有对应的已批准因私出国（境）申请")
    application = serializers.CharField(allow_null=True, help_text="对应申请编号；无对应审批时为 null，并产生预警")


# --- statistics --------------------------------------------------------------------------------------------------

@extend_schema_field({"type": "number", "nullable": True})
class FigureValueField(serializers.Field):
    """A count stays an integer; a percentage (Decimal) becomes a number; nothing to measure is null."""

    def to_representation(self, value):
        return value if value is None or isinstance(value, int) else float(value)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = FigureValueField(allow_null=True)
    previous = FigureValueField(allow_null=True)
    suffix = serializers.CharField()
    percent = serializers.BooleanField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)
    details = FigureSerializer(many=True)


class StatsOutSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    sections = SectionSerializer(many=True)
