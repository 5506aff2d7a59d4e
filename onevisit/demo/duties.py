"""The demo's power and responsibility lists, built through `duties.services` in bulk.

The province holds the base catalog (`data.duty_lists.CATALOG`); Hangzhou, Tonglu and
Keqiao derive their lists from it, each item held by the organ of its line, with the
region's own function texts; every other function of an organ or public institution gets
a local item (with its reason), so that a clean region has no finding. Keqiao's list
carries the deliberate faults of `data.duty_lists` (KEQIAO_*), for the analyzer.

Deterministic: the order is the data's, the dates are fixed, and there is no randomness.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from onevisit.duties import services as duty_services
from onevisit.duties.analysis.findings import normalize_text
from onevisit.duties.choices import AssignmentRole
from onevisit.duties.services import AssignmentEntry, DutyEntry, DutySpec
from onevisit.orgs.choices import OrgKind
from onevisit.orgs.models import CharterFunction, Organization
from onevisit.regions.models import Level

from .builder import RegionBuild
from .data import duty_lists as data
from .data.templates import ORGAN_TEMPLATES

CATALOG_FROM = datetime.date(2020, 1, 1)
LISTS_FROM = datetime.date(2020, 7, 1)
KEQIAO, TONGLU, PROVINCE = "330603", "330122", "33"


def _short(text: str, limit: int = 60) -> str:
    """An item name from a function text: no leading 负责/承担, no final stop."""
    name = text.strip().rstrip("。；;")
    for opening in ("负责", "承担"):
        if name.startswith(opening) and len(name) > len(opening) + 4:
            name = name[len(opening) :]
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _fmt(text: str, build: RegionBuild) -> str:
    return text.format(r=build.region.name, a=build.plan.area, p=build.plan.party)


class _Region:
    """A region's organs by line, its institutions by key, and their charter functions."""

    def __init__(self, build: RegionBuild):
        self.build = build
        self.region = build.region
        module = build.plan.data
        names = {spec.name: spec for spec in module.ORGANS}
        inst = {spec.name: spec for spec in module.INSTITUTIONS}
        orgs = Organization.objects.filter(
            region=self.region, valid_to__isnull=True, name__in=[*names, *inst]
        ).order_by("pk")
        self.organ: dict[str, Organization] = {}
        self.institutions: list[tuple[str, str, Organization]] = []
        for org in orgs:
            if org.name in names:
                spec = names[org.name]
                if not ORGAN_TEMPLATES[spec.template_key].party:
                    self.organ.setdefault(spec.template_key, org)
            else:
                spec = inst[org.name]
                self.institutions.append((spec.key, spec.template, org))
        self.institutions.sort(key=lambda row: row[0])
        self.functions: dict[int, list[str]] = defaultdict(list)
        ids = [o.pk for o in self.organ.values()] + [o.pk for _k, _t, o in self.institutions]
        for org_id, text in (
            CharterFunction.objects.filter(
                charter__organization_id__in=ids, charter__valid_to__isnull=True
            )
            .order_by("charter__organization_id", "position", "pk")
            .values_list("charter__organization_id", "text")
        ):
            self.functions[org_id].append(text)

    def street(self) -> Organization | None:
        """The first street office of a county (by division code)."""
        return (
            Organization.objects.filter(
                kind=OrgKind.TOWNSHIP_GOVERNMENT,
                region__parent=self.region,
                valid_to__isnull=True,
                name__endswith="办事处",
            )
            .order_by("region__code")
            .first()
        )


def _template_levels() -> dict[str, list[str]]:
    from .data import hangzhou, keqiao, province, tonglu

    levels: dict[str, list[str]] = defaultdict(list)
    for module, level in (
        (province, Level.PROVINCE),
        (hangzhou, Level.CITY),
        (tonglu, Level.COUNTY),
        (keqiao, Level.COUNTY),
    ):
        for spec in module.ORGANS:
            if str(level) not in levels[spec.template_key]:
                levels[spec.template_key].append(str(level))
    return levels


def _spec(code, name, category, levels, bases, function) -> DutySpec:
    return DutySpec(
        code=code,
        name=name,
        category=int(category),
        levels=list(levels),
        legal_bases=list(bases),
        function=function,
        responsibilities=dict(data.RESPONSIBILITIES),
        accountability=list(data.ACCOUNTABILITY),
    )


def _base_catalog(builds: dict[str, RegionBuild]) -> list:
    """The provincial base catalog, held by the provincial organs of each line."""
    build = builds[PROVINCE]
    here = _Region(build)
    template_levels = _template_levels()
    serial: dict[int, int] = defaultdict(int)
    entries, rows = [], []
    for template, items in data.CATALOG.items():
        functions = ORGAN_TEMPLATES[template].functions
        for index, name, category, law, article in items:
            serial[category] += 1
            code = f"{data.PREFIX[category]}-{serial[category]:04d}"
            levels = data.LEVELS.get(name) or template_levels[template]
            holder = here.organ.get(template)
            assignments = []
            if holder is not None and Level.PROVINCE in levels:
                assignments.append(AssignmentEntry(organization_id=holder.pk))
            entries.append(
                DutyEntry(
                    spec=_spec(
                        code,
                        name,
                        category,
                        levels,
                        [(law, article, "")],
                        _fmt(functions[index], build),
                    ),
                    valid_from=CATALOG_FROM,
                    assignments=assignments,
                )
            )
            rows.append((template, index, name, levels, law, article))
    duties = duty_services.duty_bulk_create(
        actor=None, region=build.region, entries=entries, legal_basis="浙编办发〔2020〕1号"
    )
    return [(duty, *row) for duty, row in zip(duties, rows, strict=True)]


def _region_list(build: RegionBuild, catalog: list) -> int:
    """A city's or county's implementation list: derived items and local additions."""
    here = _Region(build)
    code, level = build.region.code, str(build.plan.level)
    keqiao = code == KEQIAO
    two_leads, wrong_level = data.KEQIAO_TWO_LEADS, data.KEQIAO_WRONG_LEVEL
    street = here.street() if level == Level.COUNTY else None
    entries: list[DutyEntry] = []
    implemented: dict[int, set[str]] = defaultdict(set)

    def add(spec: DutySpec, assignments: list[AssignmentEntry], **kw) -> None:
        entries.append(DutyEntry(spec=spec, valid_from=LISTS_FROM, assignments=assignments, **kw))
        for a in assignments:
            implemented[a.organization_id].add(normalize_text(spec.function))

    for duty, template, index, name, levels, law, article in catalog:
        deliberate_wrong_level = keqiao and name == wrong_level[0]
        if level not in levels and not deliberate_wrong_level:
            continue
        holder = here.organ.get(template)
        unheld = keqiao and name == data.KEQIAO_UNHELD
        if holder is None and not unheld:
            continue
        function = _fmt(ORGAN_TEMPLATES[template].functions[index], build)
        assignments = []
        if not unheld:
            assignments.append(AssignmentEntry(organization_id=holder.pk))
        if keqiao and name == two_leads[0]:
            assignments = [
                AssignmentEntry(organization_id=here.organ[t].pk)
                for t in two_leads[1]
                if t in here.organ
            ]
        if name == data.DELEGATED_ITEM and street is not None:
            assignments.append(
                AssignmentEntry(
                    organization_id=street.pk,
                    region_id=build.region.pk,
                    level=Level.TOWNSHIP,
                    role=AssignmentRole.CO_RESPONSIBLE,
                    division_of_labour="受委托在本街道范围内实施，重大案件移送区县综合行政执法局。",
                    delegated=True,
                )
            )
        add(
            DutySpec(
                code=duty.code,
                name=duty.name,
                category=duty.category,
                levels=list(duty.levels),
                legal_bases=[(law, article, "")],
                function=function,
                responsibilities=dict(data.RESPONSIBILITIES),
                accountability=list(data.ACCOUNTABILITY),
            ),
            assignments,
            base_id=duty.pk,
        )

    serial: dict[int, int] = defaultdict(int)

    def local_code(category) -> str:
        serial[category] += 1
        return f"{code}-{data.PREFIX[category]}-{serial[category]:03d}"

    if keqiao:
        institutions = {key: org for key, _t, org in here.institutions}
        item_code, name, category, template, index = data.KEQIAO_NO_BASIS
        serial[category] += 1
        org = here.organ[template]
        add(
            _spec(item_code, name, category, [level], [], here.functions[org.pk][index]),
            [AssignmentEntry(organization_id=org.pk)],
            local_reason="轻纺城市场经营秩序管理需要（待补充设定依据）。",
        )
        item_code, name, category, key, index = data.KEQIAO_UNDELEGATED
        serial[category] += 1
        org = institutions[key]
        add(
            _spec(
                item_code,
                name,
                category,
                [level],
                [data.KEQIAO_UNDELEGATED_LAW + ("",)],
                here.functions[org.pk][index],
            ),
            [AssignmentEntry(organization_id=org.pk)],
            local_reason="轻纺城市场日常管理中发现的违法行为需要及时处理。",
        )

    # Every other function of an organ or institution: a local item (公共服务 for
    # institutions), so that no function is left without a duty.
    holders = [(t, org, False) for t, org in sorted(here.organ.items())]
    holders += [(key, org, True) for key, _t, org in here.institutions]
    templates = {key: t for key, t, _o in here.institutions}
    for key, org, institution in holders:
        functions = here.functions[org.pk]
        for position, text in enumerate(functions):
            if normalize_text(text) in implemented[org.pk]:
                continue
            unlisted_key, unlisted_index = data.KEQIAO_UNLISTED_FUNCTION
            if keqiao and key == unlisted_key and position == len(functions) + unlisted_index:
                continue  # deliberately left out
            category = data.GG if institution else data.QT
            law = (
                data.INSTITUTION_LAW.get(templates.get(key, ""), data.ORGAN_LAW)
                if institution
                else data.ORGAN_LAW
            )
            reason = (
                "事业单位提供的公共服务，基本目录未列入。"
                if institution
                else "本级机构“三定”规定明确的职责，基本目录未列入。"
            )
            add(
                _spec(local_code(category), _short(text), category, [level], [(law, "", "")], text),
                [AssignmentEntry(organization_id=org.pk)],
                local_reason=reason,
            )
    duty_services.duty_bulk_create(actor=None, region=build.region, entries=entries)
    return len(entries)


def build_duty_lists(builds: dict[str, RegionBuild]) -> dict[str, int]:
    """The base catalog and the lists of Hangzhou, Tonglu and Keqiao; counts per region."""
    catalog = _base_catalog(builds)
    counts = {PROVINCE: len(catalog)}
    for code in ("3301", TONGLU, KEQIAO):
        if code in builds:
            counts[code] = _region_list(builds[code], catalog)
    return counts
