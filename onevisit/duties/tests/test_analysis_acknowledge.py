"""Acknowledgements hold while the facts behind a finding are unchanged; bulk loading."""

import pytest

from onevisit.duties import services as duty_services
from onevisit.duties.analysis import analyze
from onevisit.testing import duty_factories as df

from ._analysis_world import bureau, codes, county, item

pytestmark = pytest.mark.django_db


def _wrong_level():
    return codes(analyze(region=county()), "wrong_level")


def test_acknowledged_until_the_facts_change():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    duty = item("食品经营许可", "市场监管", levels=["city"])
    df.assign(duty, org)
    [finding] = _wrong_level()
    assert not finding.acknowledged
    duty_services.finding_acknowledge(
        actor=None, key=finding.key, kind=finding.kind, facts=finding.facts, reason="试点授权"
    )
    [again] = _wrong_level()
    assert again.acknowledged and again.acknowledged_reason == "试点授权"
    assert again.facts == finding.facts

    # The facts change (the item's levels are edited): the finding shows again.
    type(duty).objects.filter(pk=duty.pk).update(levels=["province", "city"])
    [changed] = _wrong_level()
    assert changed.key == finding.key and changed.facts != finding.facts
    assert not changed.acknowledged


def test_acknowledging_another_digest_does_not_hide_the_finding():
    org = bureau("桐庐县市场监督管理局", ["市场监管"])
    df.assign(item("食品经营许可", "市场监管", levels=["city"]), org)
    [finding] = _wrong_level()
    duty_services.finding_acknowledge(
        actor=None, key=finding.key, kind=finding.kind, facts="0" * 64, reason="old"
    )
    assert not _wrong_level()[0].acknowledged


def test_query_count_does_not_grow_with_the_registry(django_assert_max_num_queries):
    def build(n):
        for i in range(n):
            org = bureau(f"单位{i}", [f"职能{i}"])
            df.assign(item(f"事项{i}", f"职能{i}", levels=["city"]), org)

    build(2)
    with django_assert_max_num_queries(12) as small:
        analyze()
    build(6)
    with django_assert_max_num_queries(12) as large:
        analyze()
    assert len(small.captured_queries) == len(large.captured_queries)
