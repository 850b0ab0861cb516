"""Request examples shown in the schema and on the reference page (the same calls as docs/api.md)."""

from drf_spectacular.utils import OpenApiExample

NIL_REPORT = OpenApiExample("零报告", request_only=True, value={
    "period": "2026-10", "nil": True, "nil_statement": "本月无应报告事项"})

TWO_ITEMS = OpenApiExample("两个事项的月度通报", request_only=True, value={
    "period": "2026-11", "remarks": "",
    "items": [
        {"cadre_name": "张某某", "cadre_post": "县交通运输局副局长", "aspect": "discipline",
         "description": "2026年11月3日因酒后驾驶被交警查处。", "source_kind": "work", "source": "县公安局交警大队",
         "occurred_on": "2026-11-03", "severity": "serious"},
        {"cadre_name": "李某某", "cadre_post": "县住建局股长", "aspect": "conduct",
         "description": "工作日午间饮酒，群众反映。", "source_kind": "public", "source": "群众来信",
         "occurred_on": "2026-11-10", "severity": "minor"},
    ]})

CORRECTION = OpenApiExample("更正被退回的通报", request_only=True, value={
    "version": 2, "remarks": "按监督科意见补充",
    "items": [{"code": "3f0c6f5e-8d7b-4c55-9a0e-2b1d7c1e9a10", "version": 1, "cadre_name": "张某某",
               "cadre_post": "县交通运输局副局长", "aspect": "discipline",
               "description": "2026年11月3日因酒后驾驶被交警查处，已移送县纪委监委。", "source_kind": "work",
               "source": "县公安局交警大队", "occurred_on": "2026-11-03", "severity": "serious"}],
    "void_reason": "经核实不属于本单位通报范围"})

URGENT = OpenApiExample("即时通报", request_only=True, value={
    "cadre_name": "王某某", "cadre_post": "某镇党委书记", "aspect": "discipline",
    "description": "被县纪委监委立案审查调查。", "source_kind": "work", "source": "县纪委监委案件审理室",
    "occurred_on": "2026-11-20", "severity": "severe"})

PETITION = OpenApiExample("12380网站举报（实名）", request_only=True, value={
    "channel": "web_12380", "received_on": "2026-11-21", "case_type": "accusation", "is_named": True,
    "reporter": {"name": "赵某", "phone": "13800000000"},
    "subjects": [{"name": "钱某某", "unit": "县教育局", "post_title": "副局长"}],
    "categories": ["selection"], "summary": "反映县教育局2026年中层干部调整中存在突击提拔问题。",
    "full_text": "（反映内容全文）", "clues_specific": True})

CROSSING = OpenApiExample("一条出境记录", request_only=True, value={
    "id_number": "331102198003150012", "direction": "exit", "crossed_on": "2026-11-02", "port": "上海浦东国际机场",
    "document_number": "E12345678"})
