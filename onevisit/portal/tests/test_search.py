"""The search engine on a small index: Chinese, English, pinyin, colloquial words, typos."""

import pytest

from onevisit.portal import search
from onevisit.portal.models import SearchTerm

pytestmark = pytest.mark.django_db

ENTRIES = [
    ("item", 1, "出生医学证明办理", "出生医学证明"),
    ("item", 2, "出生登记（户籍登记）", "新生儿户口"),
    ("item", 3, "食品经营许可", "餐饮服务 食品销售"),
    ("item", 4, "户外招牌设置备案", "门头招牌"),
    ("item", 5, "不动产转移登记", "二手房买卖过户"),
    ("item", 6, "企业设立登记（营业执照）", "公司 设立"),
    ("item", 7, "消防安全检查", "公众聚集场所投入使用前消防安全检查"),
    ("item", 8, "社会保障卡申领", "社保卡"),
    ("bundle", 9, "出生一件事", "出生医学证明 户口登记 医保参保 社保卡"),
    ("bundle", 10, "开餐馆一件事", "营业执照 食品经营许可 户外招牌 消防"),
]


@pytest.fixture
def indexed():
    for kind, pk, title, body in ENTRIES:
        search.index(kind=kind, object_id=pk, title=title, body=body, url=f"/x/{pk}/")


def top(query, n=3):
    return [(h.entry.kind, h.entry.object_id) for h in search.search(query)[:n]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("出生医学证明", ("item", 1)),
        ("食品经营许可证", ("item", 3)),
        ("我想开个饭店", ("bundle", 10)),
        ("生孩子", ("bundle", 9)),
        ("birth certificate", ("item", 1)),
        ("food licence", ("item", 3)),
        ("food license", ("item", 3)),
        ("open a restaurant", ("bundle", 10)),
        ("chushengyijianshi", ("bundle", 9)),
        ("chu sheng", ("bundle", 9)),
        ("shipin jingying xuke", ("item", 3)),
        ("营业执找", ("item", 6)),  # a wrong character of the same sound
        ("busines licence", ("item", 6)),  # a typo
        ("二手房过户", ("item", 5)),
        ("社保卡", ("item", 8)),
        ("fire safety inspection", ("item", 7)),
        ("shop sign", ("item", 4)),
    ],
)
def test_intended_entry_in_top_three(indexed, query, expected):
    assert expected in top(query), (query, top(query, 5))


def test_nothing_for_unrelated_words(indexed):
    assert search.search("zzzz qqqq") == []
    assert search.search("") == []


def test_reindex_and_remove_keep_the_vocabulary_counts(indexed):
    assert SearchTerm.objects.get(term="出生").entries == 3
    search.index(kind="item", object_id=1, title="死亡医学证明", url="/x/1/")
    assert SearchTerm.objects.get(term="出生").entries == 2
    search.remove(kind="item", object_id=2)
    assert SearchTerm.objects.get(term="出生").entries == 1
    assert ("item", 1) not in top("出生")
    assert ("item", 1) in top("死亡")
