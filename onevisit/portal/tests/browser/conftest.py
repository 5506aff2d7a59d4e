"""The portal's data for the browser tests, built through the factories and services: a
county with three departments, items with materials in force (one applied for online with
no upload: a material fetched from another department, with consent, and an optional
one), a published "having a baby" bundle, a published article with an image, a case to
track with its check code, and the search index rebuilt."""

from __future__ import annotations

import pytest

from onevisit.catalog.choices import EventKind, MaterialSource, OnlineDepth
from onevisit.portal import indexing, services
from onevisit.portal.models import ArticleKind
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

PASSWORD = "correct horse battery staple"
FOOD_ITEM = "食品经营许可（餐饮服务）"
BIRTH_ITEM = "出生医学证明签发"
HUKOU_ITEM = "新生儿出生登记"
BUNDLE = "生育一件事"
ARTICLE = "Tonglu service centre opens on Saturday mornings"
ALT = "The comprehensive windows of the Tonglu service centre"
SHOP_NAME = {
    "key": "shop_name",
    "label_en": "Name of the shop",
    "label_zh": "店铺名称",
    "type": "text",
    "required": True,
}
#: A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def portal_world():
    county = df.county()
    market = f.organization(
        name="桐庐县市场监督管理局", name_en="Tonglu Market Supervision Bureau", region=county
    )
    health = f.organization(
        name="桐庐县卫生健康局", name_en="Tonglu Health Commission", region=county
    )
    police = f.organization(name="桐庐县公安局", name_en="Tonglu Public Security", region=county)
    food = kf.online_item(
        organization=market,
        name=FOOD_ITEM,
        materials=[
            {"name": "营业执照", "source": MaterialSource.OTHER_DEPARTMENT},
            {"name": "食品安全管理制度", "required": False},
        ],
        form_fields=[SHOP_NAME],
        conditions="有与经营的食品品种、数量相适应的经营场所。",
        procedure="网上申报 → 受理 → 审查 → 决定 → 送达",
        result_name="食品经营许可证",
        online_depth=OnlineDepth.FULL_ONLINE,
        place="桐庐县行政服务中心二楼 12 号窗口（迎春南路 258 号）",
        hours="周一至周五 8:30–12:00，13:30–17:00",
    )
    birth = kf.online_item(
        organization=health,
        name=BIRTH_ITEM,
        materials=[{"name": "出生医学证明申请表"}, {"name": "母亲身份证"}],
        result_name="出生医学证明",
    )
    hukou = kf.online_item(
        organization=police,
        name=HUKOU_ITEM,
        materials=[{"name": "母亲身份证"}, {"name": "户口簿"}],
        result_name="居民户口簿（新生儿页）",
    )
    bundle = cf.bundle([birth, hukou], name=BUNDLE, event_kind=EventKind.LIFE, publish=True)

    writer = kf.reviewer_of(market)
    head = kf.reviewer_of(market, head=True)
    draft = services.ArticleDraft(
        kind=ArticleKind.NEWS,
        title="桐庐县行政服务中心周六上午开放",
        title_en=ARTICLE,
        summary="自下月起周六上午开放。",
        body="自下月起，中心周六上午开放。\n\n请携带身份证。",
        body_en="From next month the centre opens on Saturday mornings.\n\nBring an identity card.",
        image_alt=ALT,
    )
    article = services.article_create(
        actor=writer, organization=market, draft=draft, image=PNG, image_name="hall.png"
    )
    services.article_submit(actor=writer, article=article)
    article = services.article_publish(actor=head, article=article)

    citizen, applicant = kf.citizen_account(name="林晓", region=county)
    citizen.display_name = "林晓"
    citizen.save(update_fields=["display_name"])
    intake = kf.submit(citizen, applicant, items=[birth])

    indexing.rebuild()
    return {
        "food": food,
        "birth": birth,
        "bundle": bundle,
        "article": article,
        "citizen": citizen,
        "case": intake.case,
        "check_code": intake.check_code,
    }
