"""What the demo's applicants write in forms and its officials write in decisions.

Fictional but plausible values for each form field key of `data.catalog_types.FIELDS`, and
the texts of notices, suspensions, decisions, ratings and rectifications, all drawn from
the seeder's `random.Random`.
"""

from __future__ import annotations

import datetime
import random

from onevisit.cases.choices import SuspensionKind
from onevisit.cases.models import Task
from onevisit.catalog.choices import MaterialSource
from onevisit.catalog.models import Material
from onevisit.duties.models import LegalBasis

from .numbers import IdentityNumbers, demo_name
from .people import STREETS, TOWNS, Party

SHOPS = ("老桐庐", "富春江", "桐君", "瑶琳", "江南", "小溪源", "红灯笼", "芦茨")
KINDS = ("面馆", "小吃店", "土菜馆", "餐厅", "茶餐厅", "农家乐", "快餐店")
ESTATES = ("迎春", "富春花园", "白云源", "春江花月", "桐君山庄", "滨江")
DESTINATIONS = ("上海市", "江苏省南京市", "北京市", "广东省深圳市", "浙江省杭州市", "安徽省黄山市")
SUBJECTS = ("小学语文", "小学数学", "初中英语", "初中物理", "幼儿园")
EQUIPMENT = ("乘客电梯", "燃气锅炉", "压力容器", "场（厂）内专用机动车辆")
COURSES = ("电工（四级）职业技能等级证书", "中式烹调师（四级）", "育婴员（五级）", "焊工（四级）")
REQUESTS = (
    "申请公开本村2025年度土地征收补偿安置方案及批复文件。",
    "申请公开迎春南路道路改造工程的规划许可文件。",
    "申请公开本小区加装电梯财政补助资金的发放标准。",
)
DISPUTES = (
    "劳动报酬纠纷，用人单位拖欠工资三个月。",
    "工伤赔偿纠纷，申请人在工作中受伤，单位拒绝赔偿。",
    "赡养纠纷，申请人年逾七十，子女未履行赡养义务。",
)
NOT_ACCEPTED = (
    "申请事项不属于本机关职权范围，已告知申请人向有关行政机关申请。",
    "申请人已就同一事项取得有效决定，属于重复申请。",
    "申请人不具备申请资格，已一次性告知不予受理的理由和救济途径。",
)
DENIED = (
    "经实地核查，经营场所与申请材料不符，不符合法定条件。",
    "经审查，申请人提交的材料不能证明其符合法定条件。",
    "经核查，申请事项不符合相关规划和技术标准要求。",
)
MISSING_NOTES = (
    "扫描件不清晰，请上传清晰完整的彩色扫描件",
    "缺少申请人签字页，请签字后重新上传",
    "填写内容与营业执照记载不一致，请更正后重新提交",
    "缺少附件页，请补齐全部页面",
)
COMMENTS = {
    5: ("办事效率高，一次都没跑。", "工作人员热情，全程网办很方便。", "材料一次告知清楚，点赞！"),
    4: ("整体满意，审核速度还可以再快一点。", "办理顺利。"),
    3: ("基本满意，系统操作有些复杂。", "等待时间偏长。"),
    2: ("补正要求前后不一致，多跑了一趟。", "办理超过了承诺时限。"),
    1: ("超期未办结，电话咨询也没有人回复。", "窗口工作人员态度不好。"),
}
MEASURES = (
    "已对窗口人员开展服务规范培训，并将补正要求纳入一次性告知清单。",
    "已调整审核流程，设置超期预警，由科室负责人每日督办。",
    "已约谈相关工作人员，完善咨询电话值守制度。",
)
CALLBACKS = (
    "电话回访申请人，已说明整改情况，申请人表示理解。",
    "上门回访，申请人对整改措施表示认可。",
)
SUSPENSIONS = {
    SuspensionKind.EXPERT_REVIEW: "组织专家对技术方案进行评审，评审时间不计入办理时限。",
    SuspensionKind.PUBLIC_NOTICE: "依法对申请事项进行公示，公示期间不计入办理时限。",
    SuspensionKind.SITE_INSPECTION: "需现场核查，核查期间不计入办理时限。",
    SuspensionKind.HEARING: "申请人申请听证，听证期间不计入办理时限。",
}


class FormValues:
    """Draws form values and official texts."""

    def __init__(
        self,
        rng: random.Random,
        ids: IdentityNumbers,
        homes: list | None = None,
        homes_rng: random.Random | None = None,
    ):
        self.rng = rng
        self.ids = ids
        #: Flats on the title deeds of the vault (`demo.licences.Home`), for sale once each,
        #: drawn from a stream of their own (the other values stay as they were).
        self.homes = list(homes or [])
        self.homes_rng = homes_rng or random.Random(0)
        self._missing: dict[int, list[str]] = {}
        self._bases: dict[int, str] = {}

    def _address(self) -> str:
        rng = self.rng
        return f"桐庐县{rng.choice(TOWNS)}{rng.choice(STREETS)}{rng.randint(1, 399)}号"

    def _flat(self) -> str:
        rng = self.rng
        return (
            f"桐庐县{rng.choice(TOWNS)}{rng.choice(ESTATES)}小区{rng.randint(1, 30)}幢"
            f"{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        )

    def form(self, party: Party, versions: list, day: datetime.date) -> dict:
        """A value for every field of the versions' forms (none for a field that does not
        apply, such as a person's credit code)."""
        keys = dict.fromkeys(f["key"] for v in versions for f in v.form_fields or [])
        values = {key: self.value(key, party, day) for key in keys}
        if "seller_name" in values:
            # The flat of an owner whose title deed is in the vault, sold once.
            homes = [h for h in self.homes if h.owner != party.applicant.name]
            if homes:
                home = self.homes_rng.choice(homes)
                self.homes.remove(home)
                values.update(
                    seller_name=home.owner, property_address=home.address, property_area=home.area
                )
        return {key: value for key, value in values.items() if value}

    def value(self, key: str, party: Party, day: datetime.date) -> str:
        rng, applicant = self.rng, party.applicant
        person = applicant.kind == "person"
        name = applicant.name if person else party.partner
        shop = f"{rng.choice(SHOPS)}{rng.choice(KINDS)}"
        fixed = {
            "applicant_name": name,
            "identity_number": applicant.identifier if person else "",
            "address": party.address,
            "enterprise_name": applicant.name if not person else f"桐庐{name}商贸有限公司",
            "credit_code": "" if person else applicant.identifier,
            "legal_representative": name,
            "father_name": party.partner,
            "mother_name": name,
            "spouse_name": party.partner,
            "business_scope": "餐饮服务；食品销售（仅销售预包装食品）",
            "business_name": shop,
            "sign_text": shop,
        }
        if key in fixed:
            return fixed[key]
        drawn = {
            "phone": lambda: f"138{rng.randint(0, 99999999):08d}",
            "business_address": self._address,
            "move_from": self._address,
            "floor_area": lambda: str(rng.randint(40, 300)),
            "registered_capital": lambda: str(rng.choice([10, 30, 50, 100, 200, 500])),
            "employees": lambda: str(rng.randint(3, 80)),
            "sign_size": lambda: f"{rng.randint(4, 9)}.0×1.{rng.randint(0, 5)}",
            "baby_name": lambda: f"{party.partner[:1]}小{rng.choice('安宁悦晨朵禾航睿')}",
            "baby_birth_date": lambda: (
                day - datetime.timedelta(days=rng.randint(3, 25))
            ).isoformat(),
            "baby_sex": lambda: rng.choice(["男", "女"]),
            "spouse_identity_number": lambda: self.ids.draw(
                "330122", first_year=1980, last_year=2000
            ),
            "property_address": self._flat,
            "property_area": lambda: str(rng.randint(60, 160)),
            "transaction_price": lambda: str(rng.randint(60, 160) * rng.randint(120, 220) * 100),
            "seller_name": lambda: demo_name(rng, rng.randint(600, 999)),
            "bank_account": lambda: f"6228{rng.randint(0, 10**15 - 1):015d}",
            "project_name": lambda: f"{applicant.name[:8]}年产{rng.randint(1, 50)}万件生产线项目",
            "project_address": lambda: (
                f"桐庐经济开发区{rng.choice(STREETS)}{rng.randint(1, 199)}号"
            ),
            "investment": lambda: str(rng.randint(500, 20000)),
            "request_content": lambda: rng.choice(REQUESTS),
            "case_summary": lambda: rng.choice(DISPUTES),
            "equipment_kind": lambda: rng.choice(EQUIPMENT),
            "equipment_number": lambda: f"{day.year}{rng.randint(100000, 999999)}",
            "vehicles": lambda: str(rng.randint(3, 40)),
            "subject": lambda: rng.choice(SUBJECTS),
            "water_volume": lambda: str(rng.randint(5, 120)),
            "training_course": lambda: rng.choice(COURSES),
            "destination": lambda: rng.choice(DESTINATIONS),
        }
        return drawn[key]() if key in drawn else ""

    # --- officials' texts ------------------------------------------------------------------
    def missing(self, task: Task) -> list[dict]:
        """One complete notice: one or two of the applicant's own materials, each with
        what is wrong."""
        names = self._missing.get(task.version_id)
        if names is None:
            names = list(
                Material.objects.filter(
                    version_id=task.version_id, source=MaterialSource.APPLICANT
                ).values_list("name", flat=True)
            ) or ["申请书签字页"]
            self._missing[task.version_id] = names
        count = 1 if len(names) == 1 or self.rng.random() < 0.7 else 2
        return [
            {"name": n, "note": self.rng.choice(MISSING_NOTES)}
            for n in self.rng.sample(names, count)
        ]

    def legal_basis(self, task: Task) -> str:
        if task.item.duty_id not in self._bases:
            basis = LegalBasis.objects.filter(duty_id=task.item.duty_id).order_by("pk").first()
            self._bases[task.item.duty_id] = (
                f"{basis.law}{basis.article}" if basis else "《中华人民共和国行政许可法》第三十八条"
            )
        return self._bases[task.item.duty_id]

    def not_accepted_reason(self) -> str:
        return self.rng.choice(NOT_ACCEPTED)

    def denial_reason(self, task: Task) -> str:
        return self.rng.choice(DENIED)

    def suspension_reason(self, kind: str) -> str:
        return SUSPENSIONS[kind]

    def extension_reason(self) -> str:
        return "案情复杂需集体研究，经本部门负责人批准延长办理期限。"

    def approval_note(self) -> str:
        return "经审查，符合法定条件，准予办理。"

    def tracking_number(self) -> str:
        return f"EMS{self.rng.randint(10**11, 10**12 - 1)}CN"

    def comment(self, rating: int) -> str:
        return self.rng.choice(COMMENTS[rating])

    def measures(self) -> str:
        return self.rng.choice(MEASURES)

    def callback_note(self) -> str:
        return self.rng.choice(CALLBACKS)
