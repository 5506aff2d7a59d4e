"""API of the regions registry."""

from ninja import Router, Schema

from . import selectors

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = None


def _out(region) -> RegionOut:
    parent = region.code[: {2: 0, 4: 2, 6: 4, 9: 6}.get(len(region.code), 0)] or None
    return RegionOut(code=region.code, name=region.name, level=region.level, parent_code=parent)


@router.get("/{code}", response=RegionOut)
def region_detail(request, code: str):
    return _out(selectors.region_get(code=code))


@router.get("/{code}/children", response=list[RegionOut])
def region_children(request, code: str):
    region = selectors.region_get(code=code)
    return [_out(r) for r in selectors.region_children(region=region)]
