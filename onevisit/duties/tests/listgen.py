"""A deterministic county list for tests: ~1,000 items of Tonglu County (桐庐县, 330122)
with realistic Chinese names, built from each department's objects × the actions of each
category, most of them derived from the province's base catalog (12-character catalog
codes), the rest local additions with their reason."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from onevisit.duties.choices import DutyCategory

C = DutyCategory

#: Departments of the county as the registry names them, with the objects they regulate.
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "桐庐县发展和改革局": ("固定资产投资项目", "企业投资项目", "价格行为", "粮食收购", "节能审查"),
    "桐庐县教育局": ("民办学校", "幼儿园", "校外培训机构", "教师资格", "学校安全"),
    "桐庐县科学技术局": ("科技计划项目", "科技成果", "技术合同", "科普基地", "科技型企业"),
    "桐庐县经济和信息化局": ("无线电台", "工业企业", "新型墙体材料", "民用爆炸物品", "电力设施"),
    "桐庐县公安局": ("居民身份证", "户口登记", "机动车登记", "烟花爆竹燃放", "保安服务"),
    "桐庐县民政局": ("社会团体", "民办非企业单位", "婚姻登记", "养老机构", "殡葬设施"),
    "桐庐县司法局": ("律师执业", "公证机构", "法律援助", "基层法律服务", "人民调解"),
    "桐庐县财政局": ("政府采购", "会计代理记账", "财政票据", "国有资产", "彩票销售"),
    "桐庐县人力资源和社会保障局": (
        "人力资源服务",
        "劳务派遣",
        "职业技能培训",
        "社会保险登记",
        "劳动保障监察",
    ),
    "桐庐县自然资源和规划局": (
        "建设工程规划许可证",
        "乡村建设规划许可证",
        "建设用地",
        "采矿权",
        "测绘资质",
    ),
    "桐庐县生态环境分局": (
        "排污许可证",
        "建设项目环境影响评价",
        "危险废物",
        "辐射安全",
        "噪声污染",
    ),
    "桐庐县住房和城乡建设局": (
        "施工许可证",
        "建筑业企业资质",
        "商品房预售",
        "物业服务",
        "燃气经营",
    ),
    "桐庐县交通运输局": ("道路运输经营", "出租汽车经营", "公路超限运输", "港口经营", "驾驶员培训"),
    "桐庐县水利水电局": (
        "取水许可",
        "河道管理范围内建设项目",
        "水土保持方案",
        "水利工程",
        "农村供水",
    ),
    "桐庐县农业农村局": ("农药经营", "兽药经营", "种子生产经营", "动物防疫条件", "渔业捕捞"),
    "桐庐县商务局": (
        "对外贸易经营者",
        "成品油零售经营",
        "单用途预付卡",
        "拍卖企业",
        "再生资源回收",
    ),
    "桐庐县文化和广电旅游体育局": (
        "娱乐场所",
        "互联网上网服务营业场所",
        "旅行社",
        "营业性演出",
        "高危险性体育项目",
    ),
    "桐庐县卫生健康局": (
        "医疗机构执业",
        "医师执业",
        "放射诊疗",
        "公共场所卫生",
        "母婴保健技术服务",
    ),
    "桐庐县应急管理局": ("危险化学品经营", "烟花爆竹经营", "非煤矿山", "安全生产", "特种作业"),
    "桐庐县市场监督管理局(知识产权局)": (
        "食品经营许可证",
        "特种设备",
        "计量器具",
        "商标使用",
        "药品零售企业",
    ),
}

#: What a category's items are called, by object.
TEMPLATES: list[tuple[int, str, str]] = [
    (C.LICENSING, "XK", "{o}核发"),
    (C.LICENSING, "XK", "{o}变更、延续"),
    (C.PENALTY, "CF", "对未取得{o}擅自从事相关活动的行政处罚"),
    (C.PENALTY, "CF", "对违反{o}管理规定的行政处罚"),
    (C.PENALTY, "CF", "对伪造、变造、出租、出借{o}的行政处罚"),
    (C.PENALTY, "CF", "对拒不执行{o}整改要求的行政处罚"),
    (C.PENALTY, "CF", "对{o}信息弄虚作假的行政处罚"),
    (C.COERCION, "QZ", "对{o}相关违法物品的查封、扣押"),
    (C.INSPECTION, "JC", "对{o}的行政检查"),
    (C.INSPECTION, "JC", "对{o}的监督抽查"),
    (C.CONFIRMATION, "QR", "{o}登记确认"),
    (C.LEVY, "ZS", "{o}有关费用的征收"),
    (C.REWARD, "JL", "对{o}工作中作出突出贡献的单位和个人的奖励"),
    (C.ADJUDICATION, "CJ", "{o}权属争议的裁决"),
    (C.BENEFIT, "JF", "{o}相关补助的给付"),
    (C.OTHER, "QT", "{o}的备案"),
    (C.PUBLIC_SERVICE, "GG", "{o}信息查询服务"),
]

LAWS = (
    "中华人民共和国行政许可法",
    "中华人民共和国行政处罚法",
    "中华人民共和国城乡规划法",
    "中华人民共和国食品安全法",
    "中华人民共和国安全生产法",
    "中华人民共和国环境保护法",
    "中华人民共和国土地管理法",
    "浙江省城乡规划条例",
)
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as articles are numbered (第四十条, 第十二条)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")


@dataclass
class Row:
    code: str
    name: str
    category: int
    department: str
    level: str
    legal_basis: str
    division: str = ""
    local_reason: str = ""


@dataclass
class CountyList:
    rows: list[Row] = field(default_factory=list)
    base_codes: set[str] = field(default_factory=set)  # items of the base catalog

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(r.code for r in self.rows))


HEADER_ZH = [
    "事项编码",
    "事项名称",
    "事项类型",
    "实施主体",
    "行使层级",
    "设定依据",
    "分工",
    "增设理由",
]


def generate(items_per_department: int = 50) -> CountyList:
    """Deterministic: the same list every time."""
    out = CountyList()
    departments = list(DEPARTMENTS)
    n = 0
    for d, (dept, objects) in enumerate(DEPARTMENTS.items()):
        every = [(t, o) for t in TEMPLATES for o in objects]
        step = len(every) / items_per_department
        combos = [every[int(i * step)] for i in range(items_per_department)]
        for k, ((category, _abbr, template), obj) in enumerate(combos):
            n += 1
            code = f"{int(category):02d}{d + 1:03d}{k + 1:07d}"  # 12 characters
            law = LAWS[n % len(LAWS)]
            basis = f"《{law}》第{chinese_number(n % 97 + 1)}条"
            if n % 3 == 0:
                basis += f"第{chinese_number(n % 4 + 1)}款"
            if n % 7 == 0:
                basis += f"；《{LAWS[(n + 3) % len(LAWS)]}》第{chinese_number(n % 50 + 1)}条"
            level = "县级" if n % 5 else "县级、乡镇级"
            local = n % 10 == 0
            if not local:
                out.base_codes.add(code)
            row = Row(
                code=code,
                name=template.format(o=obj),
                category=int(category),
                department=dept,
                level=level,
                legal_basis=basis,
                local_reason="本县特有管理需要，经县政府批准增设" if local else "",
            )
            if n % 25 == 0:  # a co-responsible department, with the division of labour
                row.division = "负责受理和审查"
                other = departments[(d + 1) % len(departments)]
                out.rows.append(row)
                out.rows.append(
                    Row(
                        code=code,
                        name=row.name,
                        category=row.category,
                        department=other,
                        level=level,
                        legal_basis=basis,
                        division="负责现场核查",
                        local_reason=row.local_reason,
                    )
                )
            else:
                out.rows.append(row)
    return out


def as_table(rows: list[Row]) -> list[list]:
    return [
        [r.code, r.name, r.category, r.department, r.level, r.legal_basis, r.division,
         r.local_reason]
        for r in rows
    ]  # fmt: skip


def to_csv(rows: list[Row], header: list[str] = HEADER_ZH, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(as_table(rows))
    return buffer.getvalue().encode(encoding)
