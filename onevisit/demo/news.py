"""Hot News of the demo: a few articles of Tonglu's departments, written by a reviewer and
published by the department's head through the newsroom services, linked to the life
events they announce. The wording is the demo's own."""

from __future__ import annotations

from dataclasses import dataclass

from onevisit.catalog.models import Bundle
from onevisit.core.models import RoleAssignment, User
from onevisit.portal import services as news
from onevisit.portal.models import ArticleKind


@dataclass(frozen=True)
class DemoArticle:
    department: str  # the short name in the demo logins (reviewer.tonglu.<short>)
    kind: str
    title: str
    title_en: str
    summary: str
    body: str
    bundles: tuple[str, ...] = ()


ARTICLES = [
    DemoArticle(
        "police",
        ArticleKind.ANNOUNCEMENT,
        "政务服务中心元旦假期办公安排",
        "Service centre hours over the New Year holiday",
        "元旦假期窗口暂停服务，网上办理不受影响。",
        "元旦假期期间，县政务服务中心各窗口暂停对外服务，假期后第一个工作日恢复。\n\n"
        "假期中可通过网上办事大厅提交申请，办理时限按工作日计算，假期不计入。",
    ),
    DemoArticle(
        "market",
        ArticleKind.NEWS,
        "开餐馆一件事：一张表、一次交，四个部门同时办",
        "Opening a restaurant: one form, one submission, four departments at once",
        "营业执照、食品经营许可、户外招牌和消防检查合并为一件事办理。",
        "想开一家餐馆，过去要分别到市场监管、城管、消防等部门递交材料。\n\n"
        "现在通过“开餐馆一件事”，申请人填写一张表单、提交一套材料，各部门并联审批，"
        "营业执照等结果可直接从电子证照库调用，不必再交纸质复印件。",
        ("开餐馆一件事",),
    ),
    DemoArticle(
        "medical",
        ArticleKind.NEWS,
        "新生儿出生“一件事”：医学证明、落户、医保、社保卡一次申请",
        "A new baby: birth certificate, household registration, insurance and card in one go",
        "父母在线提交一次申请，四个事项同步办理，结果送达不用跑。",
        "新生儿出生后，父母只需在线提交一次申请，出生医学证明、户口登记、医保参保和"
        "社会保障卡申领由相关部门同步办理。\n\n"
        "结婚证、户口簿等材料可经本人授权从电子证照库调取，办理进度可随时查询。",
        ("出生一件事",),
    ),
    DemoArticle(
        "housing",
        ArticleKind.NEWS,
        "二手房转移登记实现“一窗受理、税费同缴、水电气联动过户”",
        "Second-hand housing: one window, taxes paid together, utilities moved with the deed",
        "买卖双方到一个窗口办结登记、缴税和水电气过户。",
        "二手房交易中的不动产转移登记、契税申报和水电气过户整合为一件事，买卖双方在"
        "一个窗口一次提交材料即可。\n\n原不动产权证书可由登记机构依法调取核验。",
        ("二手房转移登记一件事",),
    ),
]


def _officer(username: str) -> tuple[User, object]:
    user = User.objects.get(username=username)
    role = RoleAssignment.objects.filter(user=user, organization__isnull=False).first()
    return user, role.organization


def build_news() -> int:
    """Publish the demo's articles; the number published."""
    published = 0
    for spec in ARTICLES:
        writer, organization = _officer(f"reviewer.tonglu.{spec.department}")
        head, _org = _officer(f"head.tonglu.{spec.department}")
        bundles = list(Bundle.objects.filter(name__in=spec.bundles, published=True))
        article = news.article_create(
            actor=writer,
            organization=organization,
            draft=news.ArticleDraft(
                kind=spec.kind,
                title=spec.title,
                title_en=spec.title_en,
                summary=spec.summary,
                body=spec.body,
                bundles=[b.pk for b in bundles],
            ),
        )
        news.article_submit(actor=writer, article=article)
        news.article_publish(actor=head, article=article)
        published += 1
    return published
