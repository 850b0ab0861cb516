"""Words for synthetic records: names, posts, units, case texts. Plain data, no logic."""

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟鹏辉林建国志新春海燕波宁斌浩凯亮俊峰成文晓"
         "东雪梅琳颖立飞丹云婷宇鑫晨欣佳慧振民永祥德荣昌盛庆福寿安康泽润博远航")
ETHNICITIES = ["汉族"] * 18 + ["回族", "壮族", "满族", "土家族"]
EDUCATION = ["大学", "大学", "研究生", "研究生", "大专", "中央党校研究生", "省委党校大学"]
PLACES = ["浙江杭州", "浙江宁波", "浙江温州", "浙江绍兴", "浙江金华", "浙江台州", "浙江丽水", "浙江衢州", "江西上饶",
          "安徽黄山", "福建南平", "江苏苏州"]
CITIES = """
    丽水 衢州 台州 金华 温州 绍兴 湖州 嘉兴 宁波 舟山 杭州 义乌 永康 临海
""".split()
COUNTIES = """
    青溪 松阳 云和 庆元 龙泉 遂昌 缙云 景宁 开化 常山 江山 龙游 天台 仙居 三门 磐安 武义 浦江 兰溪 东阳
    文成 泰顺 平阳 苍南 永嘉 洞头 新昌 嵊州 诸暨 安吉 德清 长兴 海盐 海宁 桐乡 象山 宁海 奉化 岱山 嵊泗
    建德 淳安 桐庐 富阳 临安 余姚 慈溪 平湖 嘉善 玉环
""".split()
# Departments of a county (or city, or province) committee and government, in the usual order.
DEPARTMENTS = """
    纪委监委 组织部 宣传部 统战部 政法委 编办 发改局 经信局 教育局 科技局 公安局 民政局 司法局 财政局
    人社局 自然资源局 生态环境局 住建局 交通运输局 水利局 农业农村局 商务局 文广旅体局 卫健局 退役军人局
    应急管理局 审计局 国资办 市场监管局 统计局 医保局 信访局 林业局 法院 检察院 总工会 团委 妇联
    城投集团 交投集团 人民医院 中医院 职业技术学校 融媒体中心 数据局
""".split()
# The first twenty departments of the root form the joint meeting (联席会议成员单位).
MEMBER_DEPARTMENTS = ["纪委监委", "组织部", "宣传部", "政法委", "公安局", "民政局", "司法局", "财政局", "人社局",
                      "自然资源局", "生态环境局", "住建局", "卫健局", "审计局", "市场监管局", "统计局", "信访局",
                      "法院", "检察院", "总工会"]
TOWNSHIP_SUFFIX = ["镇", "镇", "乡", "街道"]
TOWNSHIP_ROOTS = """
    城东 城西 城南 城北 白岩 石门 清风 大溪 青山 梅林 双溪 黄坑 枫树 安仁 竹坪 高畈 岭根 新兴 桃源 古市
""".split()
PRINCIPAL_POSTS = {"department": "局长", "township": "党委书记", "committee": "书记"}
DEPUTY_POSTS = {
    "department": ["副局长", "副局长", "党组成员", "总工程师"],
    "township": ["副书记", "副镇长", "人大主席", "纪委书记"],
    "committee": ["副书记", "常委", "常委"],
}
PETITION_TOPICS = {
    "selection": ["在干部选拔中跑官要官", "突击提拔亲属", "违规超职数配备干部", "民主推荐拉票"],
    "org_discipline": ["违规兼职取酬", "擅自离岗", "组织生活不参加"],
    "personal_matters": ["个人有关事项漏报房产", "隐瞒配偶经商情况", "未报告子女出国定居"],
    "conduct": ["工作日饮酒", "公车私用", "违规接受宴请", "慵懒散拖"],
    "integrity": ["收受红包礼金", "利用职务便利为亲属谋利", "插手工程招投标", "违规借用管理服务对象车辆"],
    "performance": ["推诿扯皮不作为", "重大项目拖延", "群众诉求长期不办"],
    "other": ["其他问题反映"],
}
FINDING_TEXTS = """
    未按规定执行政府采购程序 专项资金未按时拨付 违规发放津补贴 项目超概算未报批 往来款长期挂账未清理
    国有资产出租未经评估 重大经济事项未经集体决策 政府债务化解进度滞后 民生资金闲置 内部控制制度不健全
""".split()
ITEM_TEXTS = """
    因交通违法被处理 涉诉案件一审判决 被群众信访反映作风问题 违规操办婚丧喜庆事宜 工作失职被通报批评
    子女婚礼宴请超标 醉酒驾驶被查处 家庭纠纷被报警 违规经商办企业线索 群众评价较差
""".split()
AUDIT_ACTIONS = [
    ("view", "cadres.cadre.profile_viewed", "cadres.cadre", "查看廉政档案"),
    ("view", "petitions.petition.viewed", "petitions.petition", "查看信访举报件"),
    ("update", "petitions.petition.approved", "petitions.petition", "审批同意"),
    ("update", "petitions.petition.concluded", "petitions.petition", "审核办结"),
    ("create", "petitions.petition.registered", "petitions.petition", "登记信访举报件"),
    ("update", "vetting.case.inspection_entered", "vetting.vettingcase", "进入考察环节"),
    ("create", "vetting.case.opened", "vetting.vettingcase", "启动任前把关"),
    ("update", "audits.finding.progress_recorded", "audits.finding", "记录整改进展"),
    ("create", "liaison.item.created", "liaison.reportitem", "新增通报事项"),
    ("update", "liaison.report.signed", "liaison.report", "签收通报"),
    ("export", "cadres.cadre.exported", "", "导出干部信息"),
    ("login", "core.user.logged_in", "core.user", "登录成功"),
    ("logout", "core.user.logged_out", "core.user", "登出"),
]
