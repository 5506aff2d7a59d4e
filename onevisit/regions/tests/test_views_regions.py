"""The region tree page."""

import pytest
from django.urls import reverse

from onevisit.regions.models import Level
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def test_region_tree_goes_down_the_hierarchy_with_breadcrumbs(client):
    zj = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    hz = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=zj)
    f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=hz)
    top = client.get(reverse("regions:tree")).content.decode()
    assert reverse("regions:detail", args=["33"]) in top
    page = client.get(reverse("regions:detail", args=["3301"])).content.decode()
    assert "桐庐县" in page and reverse("regions:detail", args=["330122"]) in page
    crumbs = page[
        page.index('class="breadcrumb"') : page.index("</nav>", page.index('class="breadcrumb"'))
    ]
    assert "浙江省" in crumbs and 'aria-current="page">杭州市' in crumbs
    assert f"{reverse('orgs:tree')}?region=3301" in page
    assert reverse("orgs:staffing", args=["3301"]) in page


def test_unknown_region_is_404(client):
    assert client.get(reverse("regions:detail", args=["99"])).status_code == 404
