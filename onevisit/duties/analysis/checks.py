"""The checks of the analyzer, one function per finding code, over a `Snapshot`.

Each check walks dicts and sets built once from the snapshot: no queries, linear in the
number of assignments. Wording is plain on purpose; it is read by officers, not lawyers.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from onevisit.orgs.choices import OrgKind
from onevisit.regions.models import Level

from ..choices import GOVERNMENT_POWERS, AssignmentRole, DutyCategory, FindingKind, Severity
from .findings import Finding, make
from .snapshot import DutyRow, OrgRow, Snapshot
from .sources import Exercise

OFFSIDE, ABSENCE, DISLOCATION = FindingKind.OFFSIDE, FindingKind.ABSENCE, FindingKind.DISLOCATION
#: Organizations that may hold a government power only by delegation (委托/授权).
DELEGATION_ONLY_KINDS = frozenset({OrgKind.PARTY_ORGAN, OrgKind.PUBLIC_INSTITUTION})
#: Levels at which every base-catalog item of that level must have a lead organization.
COVERAGE_LEVELS = frozenset({Level.CITY, Level.COUNTY})
LEVEL_ZH = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）级"}
KIND_ZH = {OrgKind.PARTY_ORGAN: "党委工作机关", OrgKind.PUBLIC_INSTITUTION: "事业单位"}
KIND_EN = {OrgKind.PARTY_ORGAN: "a Party organ", OrgKind.PUBLIC_INSTITUTION: "a public institution"}
CATEGORY_ZH = {
    1: "行政许可",
    2: "行政处罚",
    3: "行政强制",
    4: "行政征收",
    5: "行政给付",
    6: "行政检查",
    7: "行政确认",
    8: "行政奖励",
    9: "行政裁决",
    10: "其他行政权力",
    20: "公共服务",
}


def _duty(d: DutyRow) -> tuple[str, int, str]:
    return ("duty", d.id, d.label)


def _org(o: OrgRow) -> tuple[str, int, str]:
    return ("organization", o.id, o.name)


def _levels_en(levels: Iterable[str]) -> str:
    return ", ".join(sorted(levels)) or "none"


def _levels_zh(levels: Iterable[str]) -> str:
    return "、".join(LEVEL_ZH.get(lv, lv) for lv in sorted(levels)) or "无"


class Context:
    """Indexes shared by the checks, built once per snapshot."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        date = snap.as_of
        self.alive = {pk for pk, o in snap.orgs.items() if not o.abolished_on(date)}
        #: holdings whose duty is on a list in force and whose organization is loaded
        self.holdings = [h for h in snap.holdings if h[1] in snap.duties and h[2] in snap.orgs]
        #: duty → the base-catalog item it derives from (or itself)
        self.root = {pk: d.base_id or pk for pk, d in snap.duties.items()}
        function_of = {pk: d.function_norm for pk, d in snap.duties.items() if d.function_norm}
        self.held_roots: set[tuple[int, int]] = set()
        self.implemented: dict[int, set[str]] = defaultdict(set)
        self.regions_with_list: set[int] = {d.region_id for d in snap.duties.values()}
        root = self.root
        for _pk, duty_id, org_id, region_id, *_rest in self.holdings:
            self.held_roots.add((org_id, root[duty_id]))
            function = function_of.get(duty_id)
            if function:
                self.implemented[org_id].add(function)
            self.regions_with_list.add(region_id)

    def region_code(self, region_id: int) -> str:
        region = self.snap.regions.get(region_id)
        return region.code if region else ""

    def region_ref(self, region_id: int) -> tuple[str, str, str]:
        region = self.snap.regions[region_id]
        return ("region", region.code, region.name)


# --- offside (越位) ---------------------------------------------------------------
def no_legal_basis(ctx: Context) -> list[Finding]:
    holders: dict[int, set[int]] = defaultdict(set)
    for _pk, duty_id, org_id, *_rest in ctx.holdings:
        if not ctx.snap.duties[duty_id].has_basis and org_id in ctx.alive:
            holders[duty_id].add(org_id)
    out = []
    for duty_id, org_ids in holders.items():
        duty = ctx.snap.duties[duty_id]
        orgs = [ctx.snap.orgs[o] for o in sorted(org_ids)]
        names = "、".join(o.name for o in orgs[:5]) + ("等" if len(orgs) > 5 else "")
        out.append(
            make(
                kind=OFFSIDE,
                code="no_legal_basis",
                severity=Severity.HIGH,
                key=f"offside:no_legal_basis:{duty.id}",
                objects=[_duty(duty), *(_org(o) for o in orgs)],
                facts={"duty": duty.id, "basis": False, "holders": sorted(org_ids)},
                en=f"“{duty.label}” is exercised by {len(orgs)} organization(s) "
                f"({', '.join(o.name for o in orgs[:5])}) but the list gives no law or "
                "regulation that sets this power up. A power without a legal basis is "
                "outside the list.",
                zh=f"“{duty.label}”由{len(orgs)}个单位（{names}）行使，但清单中没有写明"
                "设定这项权力的法律法规依据。没有法定依据的权力属于越位。",
                fix_en="Add the law, article and clause that set up the power, or take the "
                "item off the list.",
                fix_zh="补充设定依据（法律法规名称及条款），或者将该事项从清单中取消。",
                region_code=ctx.region_code(duty.region_id),
            )
        )
    return out


def outside_charter(ctx: Context) -> list[Finding]:
    """A lead organization exercising a duty whose function its charter does not give it."""
    seen: set[tuple[int, int]] = set()
    out = []
    for _pk, duty_id, org_id, region_id, _lv, role, *_rest in ctx.holdings:
        duty = ctx.snap.duties[duty_id]
        if (
            role != AssignmentRole.LEAD  # a co-responsible organization helps, per its division
            or not duty.function_norm
            or org_id not in ctx.alive
            or (duty_id, org_id) in seen
        ):
            continue
        functions = ctx.snap.functions.get(org_id, {})
        if duty.function_norm in functions:
            continue
        seen.add((duty_id, org_id))
        org = ctx.snap.orgs[org_id]
        chartered = org_id in ctx.snap.chartered
        out.append(
            make(
                kind=OFFSIDE,
                code="outside_charter",
                severity=Severity.MEDIUM,
                key=f"offside:outside_charter:{duty.id}:{org.id}",
                objects=[_duty(duty), _org(org)],
                facts={
                    "duty": duty.id,
                    "org": org.id,
                    "function": duty.function_norm,
                    "charter": sorted(functions),
                },
                en=f"{org.name} exercises “{duty.label}”, which implements the function "
                f"“{duty.function}”; "
                + (
                    "that function is not among the functions of its charter in force."
                    if chartered
                    else "the organization has no charter in force at all."
                ),
                zh=f"{org.name}行使“{duty.label}”，该事项对应的职责是“{duty.function}”，"
                + (
                    "但这项职责不在该单位现行“三定”规定的主要职责之中。"
                    if chartered
                    else "但该单位没有现行有效的“三定”规定。"
                ),
                fix_en="Move the item to the organization whose charter carries the function, "
                "or amend the charter through a reform plan.",
                fix_zh="将该事项调整给“三定”规定中承担这项职责的单位，或通过改革方案修改“三定”规定。",
                region_code=ctx.region_code(region_id),
            )
        )
    return out


def undelegated_power(ctx: Context) -> list[Finding]:
    """A Party organ or public institution exercising a government power in its own name."""
    seen: set[tuple[int, int]] = set()
    out = []
    for _pk, duty_id, org_id, region_id, _lv, role, _div, delegated in ctx.holdings:
        duty = ctx.snap.duties[duty_id]
        org = ctx.snap.orgs[org_id]
        if (
            delegated
            or role != AssignmentRole.LEAD  # not exercised in its own name
            or duty.category not in GOVERNMENT_POWERS
            or org.kind not in DELEGATION_ONLY_KINDS
            or org_id not in ctx.alive
            or (duty_id, org_id) in seen
        ):
            continue
        seen.add((duty_id, org_id))
        category = DutyCategory(duty.category)
        out.append(
            make(
                kind=OFFSIDE,
                code="undelegated_power",
                severity=Severity.HIGH,
                key=f"offside:undelegated_power:{duty.id}:{org.id}",
                objects=[_duty(duty), _org(org)],
                facts={"duty": duty.id, "org": org.id, "kind": org.kind, "delegated": False},
                en=f"{org.name} is {KIND_EN[org.kind]} but holds “{duty.label}”, a government "
                f"power ({category.label}), in its own name and without delegation.",
                zh=f"{org.name}是{KIND_ZH[org.kind]}，却以自己的名义行使政府权力"
                f"“{duty.label}”（{CATEGORY_ZH.get(duty.category, '')}），且没有依法委托。",
                fix_en="Return the power to the government department that should hold it, "
                "or record the delegation that lets this organization exercise it.",
                fix_zh="将该权力交还应当行使的政府部门，或者登记依法委托（授权）的依据。",
                region_code=ctx.region_code(region_id),
            )
        )
    return out


def exercised_off_list(ctx: Context, exercises: Iterable[tuple[str, Exercise]]) -> list[Finding]:
    groups: dict[tuple[str, int, str], list[Exercise]] = defaultdict(list)
    for source, ex in exercises:
        if ex.organization_id not in ctx.snap.orgs:
            continue
        duty = ctx.snap.duties.get(ex.duty_id) if ex.duty_id is not None else None
        if duty is not None and (ex.organization_id, duty.root) in ctx.held_roots:
            continue
        what = (
            str(duty.id)
            if duty
            else "x" + hashlib.sha256((ex.duty_label or str(ex.duty_id)).encode()).hexdigest()[:12]
        )
        groups[(source, ex.organization_id, what)].append(ex)
    out = []
    for (source, org_id, what), items in groups.items():
        org = ctx.snap.orgs[org_id]
        first = items[0]
        duty = ctx.snap.duties.get(first.duty_id) if first.duty_id is not None else None
        label = duty.label if duty else (first.duty_label or f"#{first.duty_id}")
        refs = sorted(e.reference for e in items)
        on_list = duty is not None
        out.append(
            make(
                kind=OFFSIDE,
                code="exercised_off_list",
                severity=Severity.HIGH,
                key=f"offside:exercised_off_list:{source}:{org_id}:{what}",
                objects=[_org(org), *([_duty(duty)] if duty else [])],
                facts={"source": source, "org": org_id, "what": what, "refs": refs},
                en=f"{org.name} exercised “{label}” {len(items)} time(s) ({source}: "
                f"{', '.join(refs[:5])}) "
                + (
                    "but does not hold this item on the list."
                    if on_list
                    else "but the item is not on any list in force."
                ),
                zh=f"{org.name}以“{label}”的名义办理了{len(items)}件（{source}：{'、'.join(refs[:5])}），"
                + ("但清单中该单位并不承担这一事项。" if on_list else "但该事项不在现行清单之中。")
                + "清单之外无权力。",
                fix_en="Stop exercising the power, or put it on the organization's list with "
                "its legal basis.",
                fix_zh="停止行使该权力，或依法将其列入该单位的权责清单。",
                region_code=ctx.region_code(org.region_id),
            )
        )
    return out


# --- absence (缺位) ---------------------------------------------------------------
def base_no_holder(ctx: Context) -> list[Finding]:
    """Each base-catalog item needs a lead organization in every city or county (of the
    catalog's province) that has a list or organizations, where its levels include the level."""
    snap = ctx.snap
    root = ctx.root
    lead = AssignmentRole.LEAD
    alive = ctx.alive
    covered = {
        (root[duty_id], region_id)
        for _pk, duty_id, org_id, region_id, _lv, role, *_rest in ctx.holdings
        if role == lead and org_id in alive
    }
    with_orgs = {snap.orgs[o].region_id for o in alive}
    # (catalog region code, level) → base items: a region looks up its own ancestors only.
    catalog: dict[tuple[str, str], list[DutyRow]] = defaultdict(list)
    for duty in snap.duties.values():
        if duty.is_base and duty.region_id in snap.regions:
            for level in duty.levels:
                catalog[(snap.regions[duty.region_id].code, level)].append(duty)
    out = []
    for region in snap.regions.values():
        if (
            region.level not in COVERAGE_LEVELS
            or not region.code.startswith(snap.region_code)
            or (region.id not in with_orgs and region.id not in ctx.regions_with_list)
        ):
            continue
        prefixes = [region.code[:n] for n in (2, 4, 6, 9) if n <= len(region.code)]
        for prefix in prefixes:
            for duty in catalog.get((prefix, region.level), ()):
                if (duty.id, region.id) in covered:
                    continue
                out.append(
                    make(
                        kind=ABSENCE,
                        code="base_no_holder",
                        severity=Severity.HIGH,
                        key=f"absence:base_no_holder:{duty.id}:{region.code}",
                        objects=[_duty(duty), ("region", region.code, region.name)],
                        facts={
                            "duty": duty.id,
                            "region": region.code,
                            "levels": sorted(duty.levels),
                            "leads": [],
                        },
                        en=f"The base-catalog item “{duty.label}” must be exercised at "
                        f"{region.level} level, but no organization of {region.name} is its "
                        "implementing organization.",
                        zh=f"基本目录事项“{duty.label}”应在{LEVEL_ZH.get(region.level)}行使，"
                        f"但{region.name}没有任何单位作为实施主体承担该事项。",
                        fix_en=f"Assign the item to the organization of {region.name} whose "
                        "charter carries the function, as implementing organization.",
                        fix_zh=f"在{region.name}明确承担这项职责的单位作为该事项的实施主体。",
                        region_code=region.code,
                    )
                )
    return out


def function_without_duty(ctx: Context) -> list[Finding]:
    snap = ctx.snap
    out = []
    for org_id in sorted(ctx.alive):
        org = snap.orgs[org_id]
        if org.kind == OrgKind.PARTY_ORGAN or org.region_id not in ctx.regions_with_list:
            continue
        implemented = ctx.implemented.get(org_id, set())
        for norm, text in snap.functions.get(org_id, {}).items():
            if norm in implemented:
                continue
            tag = hashlib.sha256(norm.encode()).hexdigest()[:12]
            out.append(
                make(
                    kind=ABSENCE,
                    code="function_without_duty",
                    severity=Severity.LOW,
                    key=f"absence:function_without_duty:{org.id}:{tag}",
                    objects=[_org(org), ("function", tag, text)],
                    facts={"org": org.id, "function": norm, "implemented": False},
                    en=f"The charter of {org.name} gives it the function “{text}”, but no "
                    "item on its list implements that function.",
                    zh=f"{org.name}的“三定”规定明确了“{text}”这项职责，但该单位的权责清单"
                    "中没有任何事项落实这项职责。",
                    fix_en="List the powers and services through which the function is "
                    "carried out, or remove the function from the charter.",
                    fix_zh="梳理落实这项职责的权力和公共服务事项并列入清单，或在“三定”规定中予以调整。",
                    region_code=ctx.region_code(org.region_id),
                )
            )
    return out


def abolished_holder(ctx: Context) -> list[Finding]:
    seen: set[tuple[int, int]] = set()
    out = []
    for _pk, duty_id, org_id, region_id, *_rest in ctx.holdings:
        if org_id in ctx.alive or (duty_id, org_id) in seen:
            continue
        seen.add((duty_id, org_id))
        duty, org = ctx.snap.duties[duty_id], ctx.snap.orgs[org_id]
        out.append(
            make(
                kind=ABSENCE,
                code="abolished_holder",
                severity=Severity.HIGH,
                key=f"absence:abolished_holder:{duty.id}:{org.id}",
                objects=[_duty(duty), _org(org)],
                facts={"duty": duty.id, "org": org.id, "abolished": org.valid_to},
                en=f"{org.name} was abolished on {org.valid_to}, but it is still listed as "
                f"exercising “{duty.label}”: nobody actually exercises the item.",
                zh=f"{org.name}已于{org.valid_to}撤销，但清单上仍由其行使“{duty.label}”，"
                "这项事项实际上无人承担。",
                fix_en="Move the item to the organization that took over the functions "
                "(职责划转), or end it.",
                fix_zh="将该事项划转给承接其职责的单位，或依法取消该事项。",
                region_code=ctx.region_code(region_id),
            )
        )
    return out


# --- dislocation (错位) -----------------------------------------------------------
def multiple_leads(ctx: Context) -> list[Finding]:
    """Several lead organizations of one duty in one region, not all with a division."""
    root, alive, lead = ctx.root, ctx.alive, AssignmentRole.LEAD
    first: dict[tuple[int, int], int] = {}
    several: set[tuple[int, int]] = set()
    for _pk, duty_id, org_id, region_id, _lv, role, _div, _dg in ctx.holdings:
        if role != lead or org_id not in alive:
            continue
        group = (root[duty_id], region_id)
        if first.setdefault(group, org_id) != org_id:
            several.add(group)
    groups: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)
    sample: dict[tuple[int, int], int] = {}
    if several:
        for _pk, duty_id, org_id, region_id, _lv, role, division, _dg in ctx.holdings:
            group = (root[duty_id], region_id)
            if role != lead or org_id not in alive or group not in several:
                continue
            declared = groups[group]
            declared[org_id] = declared.get(org_id, False) or bool(division.strip())
            sample.setdefault(group, duty_id)
    out = []
    for (root, region_id), declared in groups.items():
        if len(declared) < 2 or all(declared.values()):
            continue
        duty = ctx.snap.duties.get(root) or ctx.snap.duties[sample[(root, region_id)]]
        orgs = [ctx.snap.orgs[o] for o in sorted(declared)]
        region = ctx.snap.regions[region_id]
        undeclared = [o.name for o in orgs if not declared[o.id]]
        out.append(
            make(
                kind=DISLOCATION,
                code="multiple_leads",
                severity=Severity.MEDIUM,
                key=f"dislocation:multiple_leads:{root}:{region.code}",
                objects=[_duty(duty), ctx.region_ref(region_id), *(_org(o) for o in orgs)],
                facts={"duty": root, "region": region.code, "leads": sorted(declared.items())},
                en=f"In {region.name}, “{duty.label}” has {len(orgs)} implementing "
                f"organizations ({', '.join(o.name for o in orgs)}) and "
                f"{', '.join(undeclared)} declare(s) no division of labour.",
                zh=f"在{region.name}，“{duty.label}”有{len(orgs)}个实施主体"
                f"（{'、'.join(o.name for o in orgs)}），其中{'、'.join(undeclared)}"
                "没有写明分工，容易多头管理、相互推诿。",
                fix_en="Keep one implementing organization and make the others co-responsible, "
                "or declare each one's division of labour.",
                fix_zh="明确一个牵头实施主体，其余作为配合单位，或逐一写明各自的分工。",
                region_code=region.code,
            )
        )
    return out


def wrong_level(ctx: Context) -> list[Finding]:
    seen: set[tuple[int, int, int]] = set()
    out = []
    for _pk, duty_id, org_id, region_id, level, *_rest in ctx.holdings:
        duty = ctx.snap.duties[duty_id]
        if not duty.levels or level in duty.levels or org_id not in ctx.alive:
            continue
        if (duty_id, org_id, region_id) in seen:
            continue
        seen.add((duty_id, org_id, region_id))
        org = ctx.snap.orgs[org_id]
        region = ctx.snap.regions[region_id]
        out.append(
            make(
                kind=DISLOCATION,
                code="wrong_level",
                severity=Severity.MEDIUM,
                key=f"dislocation:wrong_level:{duty.id}:{org.id}:{region.code}",
                objects=[_duty(duty), _org(org), ctx.region_ref(region_id)],
                facts={
                    "duty": duty.id,
                    "org": org.id,
                    "level": level,
                    "levels": sorted(duty.levels),
                },
                en=f"{org.name} exercises “{duty.label}” at {level} level, but the item is "
                f"exercised only at: {_levels_en(duty.levels)}.",
                zh=f"{org.name}在{LEVEL_ZH.get(level, level)}行使“{duty.label}”，"
                f"但该事项的行使层级只有{_levels_zh(duty.levels)}。",
                fix_en="Move the item to the level the list sets, or change the item's levels "
                "with the reason.",
                fix_zh="将该事项调整到清单规定的层级行使，或说明理由后调整事项的行使层级。",
                region_code=region.code,
            )
        )
    return out


def delegated_unstaffed(ctx: Context) -> list[Finding]:
    seen: set[tuple[int, int]] = set()
    out = []
    for _pk, duty_id, org_id, region_id, level, _role, _div, delegated in ctx.holdings:
        if not delegated or org_id not in ctx.alive or (duty_id, org_id) in seen:
            continue
        org = ctx.snap.orgs[org_id]
        if level != Level.TOWNSHIP and org.kind != OrgKind.TOWNSHIP_GOVERNMENT:
            continue
        if ctx.snap.staff.get(org_id, 0) > 0:
            continue
        seen.add((duty_id, org_id))
        duty = ctx.snap.duties[duty_id]
        out.append(
            make(
                kind=DISLOCATION,
                code="delegated_unstaffed",
                severity=Severity.HIGH,
                key=f"dislocation:delegated_unstaffed:{duty.id}:{org.id}",
                objects=[_duty(duty), _org(org)],
                facts={"duty": duty.id, "org": org.id, "staff": 0},
                en=f"“{duty.label}” was delegated to {org.name}, which has no staff to "
                "exercise it: the power went down but the people did not.",
                zh=f"“{duty.label}”已下放给{org.name}，但该单位没有在编人员，"
                "权力下放了，人员力量却没有跟上，接不住、管不好。",
                fix_en="Move staff and quota to the township with the power, or take the "
                "delegation back.",
                fix_zh="随权力下放同步下沉编制和人员，或收回该项下放。",
                region_code=ctx.region_code(region_id),
            )
        )
    return out


CHECKS = (
    no_legal_basis,
    outside_charter,
    undelegated_power,
    base_no_holder,
    function_without_duty,
    abolished_holder,
    multiple_leads,
    wrong_level,
    delegated_unstaffed,
)
