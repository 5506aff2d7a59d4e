"""Search quality on the demo catalog (issue 7): what citizens type — catalog words,
everyday Chinese, English, pinyin with and without spaces, English typos and Chinese
characters of the same sound — finds the intended service or life event in the top three
for at least nine queries in ten.

The demo catalog is built from the demo's own building blocks (its organizations and
charters through `OrganizationBuilder`, its items and bundles through
`demo.catalog.build_catalog`), with only the regions, organizations and duties the catalog
needs, not the whole province (about 10 s instead of a `seed_demo`): the items of the
power and responsibility lists the catalog implements are made as local items of the
holder's region. bench/portal_generate.py starts from the same catalog.
Run with `-s` to see the rate per kind of query and the misses.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection

from onevisit.demo.builder import OrganizationBuilder, RegionBuild
from onevisit.demo.catalog import Catalog, build_catalog
from onevisit.demo.data.catalog_items import ITEMS
from onevisit.demo.data.catalog_types import LocalDuty
from onevisit.demo.data.regions import PLANS
from onevisit.demo.data.types import OrganSpec
from onevisit.demo.duties import LISTS_FROM
from onevisit.demo.seed import SEED
from onevisit.portal import indexing, search
from onevisit.portal.models import EntryKind
from onevisit.regions.models import Region
from onevisit.testing import duty_factories as df

pytestmark = pytest.mark.django_db

#: The share of queries whose intended result must be in the top three (issue 7).
REQUIRED_RATE = 0.9


def _spec(plan, key: str):
    for spec in (*plan.data.ORGANS, *plan.data.INSTITUTIONS):
        if spec.key == key:
            return spec
    raise LookupError(f"no demo organization {key} in {plan.code}")


def build_demo_catalog() -> Catalog:
    """The demo's items and bundles with the organizations and duties they need."""
    df.county("330122")  # with 3301 and 33 above it
    builder = OrganizationBuilder(random.Random(SEED))
    plans = {plan.code: plan for plan in PLANS}
    builds: dict[str, RegionBuild] = {}

    def organization(code: str, key: str):
        build = builds.get(code)
        if build is None:
            build = builds[code] = RegionBuild(plans[code], Region.objects.get(code=code))
        if key not in build.by_key:
            spec = _spec(build.plan, key)
            if spec.managed_by:
                organization(code, spec.managed_by)
            if isinstance(spec, OrganSpec):
                build.add(builder.organ(build, spec))
            else:
                build.add(builder.institution(build, spec))
        return build.by_key[key].organization

    for item in ITEMS:
        org = organization(*item.org)
        if isinstance(item.duty, LocalDuty):
            continue  # build_catalog adds it to the list with its reason
        held = org.duty_assignments.filter(duty__name=item.duty).exists()
        if not held:
            duty = df.local_item(
                name=item.duty,
                region=org.region,
                levels=[org.level],
                local_reason="演示目录（测试）",
                valid_from=LISTS_FROM,
            )
            df.assign(duty, org, valid_from=LISTS_FROM)
    catalog = build_catalog(builds)
    indexing.rebuild()
    return catalog


#: Bundles by their demo code.
OPEN_RESTAURANT = "YJS-330122-001"
HAVING_A_BABY = "YJS-330122-002"
SECOND_HAND_HOUSE = "YJS-330122-003"
STARTING_A_COMPANY = "YJS-330122-004"

#: (what a citizen types, what it means: the demo keys of the items or the codes of the
#: bundles that answer it; any of them in the top three counts).
QUERIES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "catalog words": [
        ("出生医学证明", ("birth_certificate",)),
        ("食品经营许可证", ("food_permit",)),
        ("个体工商户", ("ind_business",)),
        ("结婚登记", ("marriage",)),
        ("异地就医备案", ("remote_care",)),
        ("社保卡", ("social_card",)),
        ("失业保险金", ("unemployment",)),
        ("宅基地", ("homestead",)),
        ("契税", ("deed_tax",)),
        ("施工许可证", ("construction_permit",)),
        ("规划许可证", ("planning_permit",)),
        ("取水许可", ("water_intake",)),
        ("法律援助", ("legal_aid",)),
        ("政府信息公开", ("info_disclosure",)),
        ("特种设备登记", ("special_equipment",)),
        ("户口迁移", ("hukou_move",)),
        ("不动产抵押登记", ("property_mortgage",)),
        ("医师执业注册", ("doctor_registration",)),
        ("诊所备案", ("clinic",)),
        ("开餐馆一件事", (OPEN_RESTAURANT,)),
        ("企业开办", (STARTING_A_COMPANY, "company_setup")),
        ("检验检测资质认定", ("lab_accreditation",)),
        ("用地预审", ("land_preview",)),
        ("娱乐场所经营许可", ("entertainment",)),
        ("道路运输许可证", ("road_transport",)),
        ("个体户营业执照", ("ind_business",)),
        ("企业变更登记", ("company_change",)),
        ("医疗救助", ("medical_assistance",)),
        ("职业技能提升补贴", ("training_subsidy",)),
        ("公共租赁住房", ("public_rental",)),
        ("消防安全检查", ("fire_check",)),
        ("户外招牌", ("signage",)),
        ("水电气过户", ("utilities_transfer",)),
        ("投资项目核准", ("investment",)),
    ],
    "everyday Chinese": [
        ("生孩子", (HAVING_A_BABY,)),
        ("生了宝宝要办什么", (HAVING_A_BABY,)),
        ("给孩子上户口", ("birth_registration",)),
        ("开饭店", (OPEN_RESTAURANT,)),
        ("我想开个小吃店", (OPEN_RESTAURANT, "food_permit")),
        ("卖房子", (SECOND_HAND_HOUSE, "property_transfer")),
        ("买二手房过户", (SECOND_HAND_HOUSE, "property_transfer")),
        ("开公司", (STARTING_A_COMPANY, "company_setup")),
        ("注册公司", (STARTING_A_COMPANY, "company_setup")),
        ("领结婚证", ("marriage",)),
        ("办身份证", ("id_card",)),
        ("身份证过期了换证", ("id_card",)),
        ("失业了领失业金", ("unemployment",)),
        ("在外地看病报销", ("remote_care",)),
        ("挂门头招牌", ("signage",)),
        ("房子抵押贷款", ("property_mortgage",)),
        ("农村盖房子", ("homestead",)),
        ("吃低保", ("minimum_living",)),
        ("看病救助", ("medical_assistance",)),
        ("请不起律师", ("legal_aid",)),
        ("给宝宝办医保", ("medical_insurance",)),
        ("水电燃气过户", ("utilities_transfer",)),
        ("开诊所", ("clinic",)),
        ("开KTV", ("entertainment",)),
        ("公租房", ("public_rental",)),
        ("危化品经营许可", ("hazchem",)),
        ("公司改名", ("company_change",)),
        ("技能培训补贴", ("training_subsidy",)),
        ("买房交税", ("deed_tax",)),
        ("当老师要什么证", ("teacher_cert", "teacher_cert_high")),
        ("孩子出生了办户口", ("birth_registration", HAVING_A_BABY)),
        ("新生儿医保", ("medical_insurance",)),
        ("开个体户", ("ind_business",)),
        ("开奶茶店", (OPEN_RESTAURANT, "food_permit")),
        ("饭店消防检查", ("fire_check",)),
        ("二手房买卖", ("property_transfer", SECOND_HAND_HOUSE)),
        ("房产证过户", ("property_transfer", SECOND_HAND_HOUSE)),
        ("结婚要带什么材料", ("marriage",)),
        ("大病救助", ("medical_assistance",)),
        ("外地就医", ("remote_care",)),
        ("社保卡丢了", ("social_card",)),
        ("补办身份证", ("id_card",)),
        ("户口迁到城里", ("hukou_move",)),
        ("开货运公司", ("road_transport",)),
        ("装电梯登记", ("special_equipment",)),
        ("考教师资格证", ("teacher_cert", "teacher_cert_high")),
    ],
    "English": [
        ("business licence", ("ind_business", "company_setup")),
        ("birth certificate", ("birth_certificate",)),
        ("food permit", ("food_permit",)),
        ("property transfer", (SECOND_HAND_HOUSE, "property_transfer")),
        ("marriage registration", ("marriage",)),
        ("register a company", (STARTING_A_COMPANY, "company_setup")),
        ("open a restaurant", (OPEN_RESTAURANT,)),
        ("having a baby", (HAVING_A_BABY,)),
        ("social security card", ("social_card",)),
        ("unemployment benefit", ("unemployment",)),
        ("identity card", ("id_card",)),
        ("legal aid", ("legal_aid",)),
        ("shop sign permit", ("signage",)),
        ("fire safety inspection", ("fire_check",)),
        ("deed tax", ("deed_tax",)),
        ("building permit", ("construction_permit",)),
        ("teacher qualification", ("teacher_cert", "teacher_cert_high")),
        ("medical insurance for my baby", ("medical_insurance", HAVING_A_BABY)),
        ("minimum living allowance", ("minimum_living",)),
        ("mortgage registration", ("property_mortgage",)),
        ("sole trader", ("ind_business",)),
        ("medical treatment in another city", ("remote_care",)),
        ("government information request", ("info_disclosure",)),
        ("water abstraction permit", ("water_intake",)),
        ("doctor registration", ("doctor_registration",)),
        ("new baby", (HAVING_A_BABY,)),
        ("food business licence", ("food_permit",)),
        ("change company name", ("company_change",)),
        ("restaurant fire check", ("fire_check",)),
        ("outdoor sign", ("signage",)),
        ("move hukou", ("hukou_move",)),
        ("rural homestead", ("homestead",)),
        ("public rental housing", ("public_rental",)),
        ("skills subsidy", ("training_subsidy",)),
        ("clinic registration", ("clinic",)),
        ("hazardous chemicals licence", ("hazchem",)),
        ("construction permit", ("construction_permit",)),
        ("planning permit", ("planning_permit",)),
        ("second hand house", ("property_transfer", SECOND_HAND_HOUSE)),
    ],
    "English typos": [
        ("buisness licence", ("ind_business", "company_setup")),
        ("birth certficate", ("birth_certificate",)),
        ("open a resturant", (OPEN_RESTAURANT,)),
        ("marrige", ("marriage",)),
        ("morgage registration", ("property_mortgage",)),
        ("unemplyment", ("unemployment",)),
        ("food permt", ("food_permit",)),
        ("sheild sign", ("signage",)),
        ("certifcate of birth", ("birth_certificate",)),
        ("unemployement benefit", ("unemployment",)),
        ("restuarant licence", ("food_permit", OPEN_RESTAURANT)),
        ("mariage", ("marriage",)),
        ("constuction permit", ("construction_permit",)),
    ],
    "pinyin": [
        ("chushengyijianshi", (HAVING_A_BABY,)),
        ("chu sheng yi jian shi", (HAVING_A_BABY,)),
        ("yingyezhizhao", ("ind_business", "company_setup")),
        ("ying ye zhi zhao", ("ind_business", "company_setup")),
        ("jiehundengji", ("marriage",)),
        ("shebaoka", ("social_card",)),
        ("shenfenzheng", ("id_card",)),
        ("qishui", ("deed_tax",)),
        ("hukou qianyi", ("hukou_move",)),
        ("zhaijidi", ("homestead",)),
        ("shipinjingyingxuke", ("food_permit",)),
        ("falvyuanzhu", ("legal_aid",)),
        ("kaicanguan", (OPEN_RESTAURANT,)),
        ("dibao", ("minimum_living",)),
        ("geti gongshanghu", ("ind_business",)),
        ("chusheng dengji", ("birth_registration",)),
        ("shiyebaoxianjin", ("unemployment",)),
        ("budongchan diya", ("property_mortgage",)),
        ("yidijiuyi", ("remote_care",)),
        ("jiaoshizige", ("teacher_cert", "teacher_cert_high")),
        ("gongzufang", ("public_rental",)),
    ],
    "same-sound characters": [
        ("营业执找", ("ind_business", "company_setup")),
        ("出身医学证明", ("birth_certificate",)),
        ("结昏登记", ("marriage",)),
        ("户口签移", ("hukou_move",)),
        ("食品经营许可正", ("food_permit",)),
        ("气税申报", ("deed_tax",)),
        ("法律援住", ("legal_aid",)),
        ("医保参保登计", ("medical_insurance",)),
        ("身分证", ("id_card",)),
        ("异地就医被案", ("remote_care",)),
        ("个体工商户设立登己", ("ind_business",)),
        ("社会保章卡", ("social_card",)),
        ("宅基地申批", ("homestead",)),
        ("契税申保", ("deed_tax",)),
        ("失业保险金申零", ("unemployment",)),
    ],
}


def _targets(catalog: Catalog) -> dict[str, tuple[str, int]]:
    found = {key: (EntryKind.ITEM, item.pk) for key, item in catalog.items.items()}
    found.update({code: (EntryKind.BUNDLE, b.pk) for code, b in catalog.bundles.items()})
    return found


def test_the_intended_result_is_in_the_top_three_for_nine_queries_in_ten():
    catalog = build_demo_catalog()
    targets = _targets(catalog)
    queries = [q for group in QUERIES.values() for q in group]
    assert len(queries) >= 60
    assert len({q for q, _ in queries}) == len(queries), "a query written twice"
    misses, lines = [], []
    for group, rows in QUERIES.items():
        missed = 0
        for query, intended in rows:
            wanted = {targets[key] for key in intended}  # a KeyError: a key the demo lacks
            hits = search.search(query, limit=3)
            if not wanted & {(h.entry.kind, h.entry.object_id) for h in hits}:
                missed += 1
                misses.append((query, intended, [h.entry.title for h in hits]))
        lines.append(f"  {group}: {len(rows) - missed}/{len(rows)}")
    rate = 1 - len(misses) / len(queries)
    print(
        f"\nsearch quality on the demo catalog ({connection.vendor}): "
        f"{len(queries) - len(misses)}/{len(queries)} = {rate:.1%} in the top three"
    )
    print("\n".join(lines))
    for query, intended, got in misses:
        print(f"  miss: {query!r} wanted {', '.join(intended)}; got {got}")
    assert rate >= REQUIRED_RATE, misses
    # the rate is not bought by answering everything: unrelated words find nothing
    for query in ("zzzz qqqq", "火星移民", "quantum chromodynamics"):
        assert search.search(query) == [], query
