"""ACCEPTANCE: Tonglu County's list of ~1,000 items imports through `import_duties`.

A few department names in the file differ from the registry's only by spaces and
full-width characters and are matched; two match nothing, and without
--create-missing-orgs the file is refused with exactly their rows reported and nothing
written. With --create-missing-orgs it imports completely, fast, audited, and the
analyzer runs on the result.
"""

from __future__ import annotations

import dataclasses
import io
import time

import pytest
from django.core.management import CommandError, call_command

from onevisit.core.audit import verify_chain
from onevisit.core.models import AuditEntry
from onevisit.duties import services
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.choices import OrgKind
from onevisit.orgs.models import Organization
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

from .listgen import DEPARTMENTS, generate, to_csv

pytestmark = pytest.mark.django_db

#: Spellings in the file that differ from the registry's names.
VARIANTS = {
    3: "桐庐县 自然资源和规划局",
    4: "桐庐县\u3000自然资源和规划局",
    5: "桐庐县自然资源和规划局 ",
    6: "桐庐县市场监督管理局（知识产权局）",
    7: "桐庐县市场监督管理局 （知识产权局）",
    8: "桐庐县卫生健康局",
}
#: Names that match nothing in the registry (rows 2-based as the spreadsheet shows them).
UNKNOWN = ["桐庐县营商环境优化局", "桐庐县数据资源管理局"]


@pytest.fixture
def county():
    return df.county()


@pytest.fixture
def departments(county):
    return {
        name: f.organization(name=name, region=county, functions=[f"{name}的职能"])
        for name in DEPARTMENTS
    }


@pytest.fixture
def base_catalog(county):
    """The province's base catalog: the items of the list not added locally."""
    listing = generate()
    firsts = {}
    for row in listing.rows:
        firsts.setdefault(row.code, row)
    entries = [
        services.DutyEntry(
            spec=services.DutySpec(
                code=row.code, name=row.name, category=row.category, levels=["county"]
            )
        )
        for code, row in firsts.items()
        if code in listing.base_codes
    ]
    return services.duty_bulk_create(actor=None, region=df.province(), entries=entries)


def _file_rows():
    """The generated list with the variant and unknown department names placed in it."""
    listing = generate()
    rows = [dataclasses.replace(r) for r in listing.rows]
    name_rows = {
        "桐庐县自然资源和规划局": [
            i for i, r in enumerate(rows) if r.department.endswith("规划局")
        ],
        "桐庐县市场监督管理局(知识产权局)": [
            i for i, r in enumerate(rows) if r.department.startswith("桐庐县市场监督")
        ],
    }
    for k, variant in VARIANTS.items():
        target = "桐庐县市场监督管理局(知识产权局)" if "市场" in variant else None
        if target is None and "规划" in variant:
            target = "桐庐县自然资源和规划局"
        if target is None:
            continue
        rows[name_rows[target][k]].department = variant
    # Unknown names on three single-department rows of different items.
    singles = [
        i
        for i, r in enumerate(rows)
        if sum(1 for s in rows if s.code == r.code) == 1 and r.department.startswith("桐庐县教育")
    ]
    bad = {singles[1]: UNKNOWN[0], singles[10]: UNKNOWN[1], singles[20]: UNKNOWN[0]}
    for i, name in bad.items():
        rows[i].department = name
    return rows, sorted(i + 2 for i in bad)  # the header is row 1


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_duties", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_county_list_of_1000_items(tmp_path, county, departments, base_catalog):
    rows, bad_rows = _file_rows()
    assert len(rows) > 1000 and len({r.code for r in rows}) == 1000
    path = tmp_path / "桐庐县权责清单.csv"
    path.write_bytes(to_csv(rows, encoding="gb18030"))
    audit_before = AuditEntry.objects.count()
    orgs_before = Organization.objects.count()

    # Refused: exactly the rows naming unknown departments, nothing written.
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Refused: 3 problem\(s\)"):
        call_command("import_duties", str(path), "--region", "330122", stdout=out, stderr=out)
    reported = [line.split("\t") for line in out.getvalue().splitlines() if "\t" in line]
    assert sorted(int(r[0]) for r in reported) == bad_rows
    assert {r[1] for r in reported} == {"实施主体"}
    assert all(any(u in r[2] for u in UNKNOWN) for r in reported)
    assert Duty.objects.filter(region=county).count() == 0
    assert DutyAssignment.objects.count() == 0
    assert Organization.objects.count() == orgs_before
    assert AuditEntry.objects.count() == audit_before

    # A dry run with --create-missing-orgs finds nothing else wrong, and writes nothing.
    stdout, _ = _run(str(path), "--region", "330122", "--create-missing-orgs", "--dry-run")
    assert "All 1040 rows are correct" in stdout
    assert Duty.objects.filter(region=county).count() == 0

    # Imported completely, the two missing departments registered.
    started = time.monotonic()
    stdout, stderr = _run(str(path), "--region", "330122", "--create-missing-orgs")
    elapsed = time.monotonic() - started
    print(f"\nimport_duties: {len(rows)} rows, 1000 items in {elapsed:.2f} s")
    assert "Imported 1040 rows" in stdout
    assert "checked 1040/1040 rows (100%)" in stderr and "imported" in stderr
    assert elapsed < 20  # a few seconds on the 2-core machines; generous for CI

    duties = Duty.objects.filter(region=county)
    assert duties.count() == 1000
    assert duties.filter(base__isnull=False).count() == 900
    local = duties.filter(base__isnull=True)
    assert local.count() == 100 and not local.filter(local_reason="").exists()
    assert DutyAssignment.objects.filter(duty__region=county).count() == len(rows)
    created = Organization.objects.filter(name__in=UNKNOWN)
    assert {(o.name, o.kind, o.level, o.region_id) for o in created} == {
        (u, OrgKind.GOVERNMENT_DEPARTMENT, "county", county.pk) for u in UNKNOWN
    }
    # The variant spellings went to the registry's departments.
    planning = departments["桐庐县自然资源和规划局"]
    market = departments["桐庐县市场监督管理局(知识产权局)"]
    assert planning.duty_assignments.count() == sum(
        1 for r in rows if "自然资源和规划局" in r.department
    )
    assert market.duty_assignments.count() == sum(1 for r in rows if "市场监督" in r.department)
    assert Organization.objects.filter(name__contains="自然资源和规划局").count() == 1
    # Legal bases parsed into law, article, clause; co-responsible holders with division.
    sample = duties.get(code=rows[2].code)
    assert sample.legal_bases.filter(article__startswith="第", clause__startswith="第").exists()
    shared = DutyAssignment.objects.filter(role="co_responsible")
    assert shared.count() == 40 and not shared.filter(division_of_labour="").exists()
    # Every duty audited, chain intact.
    assert AuditEntry.objects.filter(action="duty.create").count() >= 1900
    assert verify_chain() is None

    # Importing the same file again changes nothing.
    stdout, _ = _run(str(path), "--region", "330122")
    assert "Imported 1040 rows" in stdout and "unchanged: 1000" in stdout
    assert Duty.objects.filter(region=county).count() == 1000

    # The analyzer runs on the result.
    try:
        from onevisit.duties.analysis import analyze
    except ImportError:  # not there yet: its command
        out = io.StringIO()
        call_command("check_duties", "--region", "330122", stdout=out)
        assert out.getvalue()
    else:
        findings = analyze(region=county, as_of=None)
        assert isinstance(findings, list)
