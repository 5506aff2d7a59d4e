"""Staff import (实名制人员导入): register people and appoint them into quota slots.

The validation pass reads the registry once (organizations, balances, bodies, the people
and appointments the file names) and checks every row, counting the file's own rows
against each organization × category's vacancies as it goes. A clean file is written by
`services.appointment_bulk_create`, which re-checks the invariants under row locks.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.errors import DomainError
from onevisit.core.identifiers import mask_identity_number, normalize_identity_number
from onevisit.core.scoping import registry_write_scope
from onevisit.regions.models import Region

from .. import services
from ..choices import ORGAN_KINDS, FundingType, PostRank, QuotaCategory
from ..models import Appointment, InternalBody, Person, PostBalance, QuotaBalance
from .columns import STAFF_COLUMNS, match_key, parse_choice
from .common import (
    ImportResult,
    OrganizationIndex,
    Progress,
    RegionIndex,
    RowContext,
    parse_date,
    report,
    row_organization,
)
from .readers import read_sheet


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_category(ctx: RowContext, values: dict[str, str], org) -> tuple[str, str] | None:
    """(category, funding type) from the category and funding cells, or None after errors."""
    text = values.get("category", "")
    category = parse_choice(QuotaCategory, text) if text else None
    if not text:
        ctx.error("category", _("The quota category is missing."))
        return None
    if category is None:
        ctx.error(
            "category",
            _("Unknown quota category “%(value)s” (行政编制, 政法专项编制, 事业编制, 工勤编制).")
            % {"value": text},
        )
        return None
    funding_text = values.get("funding", "")
    funding = parse_choice(FundingType, funding_text) if funding_text else ""
    if funding is None:
        ctx.error(
            "funding",
            _("Unknown funding type “%(value)s” (全额, 差额, 自收自支).") % {"value": funding_text},
        )
        return None
    if category == QuotaCategory.PUBLIC_INSTITUTION:
        if not funding:
            ctx.error("funding", _("A public-institution quota needs its funding type."))
            return None
        if org is not None and org.kind in ORGAN_KINDS:
            ctx.error(
                "category",
                _(
                    "A public-institution quota can never be used inside a Party or "
                    "government organ."
                ),
            )
            return None
    elif funding:
        ctx.error("funding", _("Only public-institution quotas have a funding type."))
        return None
    return category, funding


def import_staff(
    data: bytes,
    *,
    actor,
    region: Region,
    filename: str = "",
    document_number: str = "",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a staff list into `region`'s subtree: every row or none."""
    started = time.monotonic()
    sheet = read_sheet(data, STAFF_COLUMNS, filename=filename)
    result = ImportResult(kind="staff", rows=len(sheet))
    ctx = RowContext(sheet.headers, result.errors)
    today = timezone.localdate()

    with transaction.atomic():
        regions = RegionIndex(region)
        orgs = OrganizationIndex(region)
        scope = registry_write_scope(actor) if actor is not None else None
        all_org_ids = [o.pk for found in orgs.by_name.values() for o in found]
        balances = {
            (b.organization_id, b.category, b.funding_type): [b.approved, b.actual]
            for b in QuotaBalance.objects.filter(organization_id__in=all_org_ids)
        }
        post_balances = {
            (b.organization_id, b.rank): [b.approved, b.actual]
            for b in PostBalance.objects.filter(organization_id__in=all_org_ids)
        }
        bodies = {
            (b.charter.organization_id, match_key(b.name)): b
            for b in InternalBody.objects.filter(
                charter__organization_id__in=all_org_ids, charter__valid_to__isnull=True
            ).select_related("charter")
        }

        # People named in the file who already exist, and whether they are appointed.
        numbers_in_file = []
        for _row, values in sheet.rows:
            number = values.get("identity_number", "").strip().upper()
            if len(number) == 18:
                numbers_in_file.append(number)
        people: dict[str, Person] = {}
        for chunk in _chunks(numbers_in_file):
            people.update(
                {p.identity_number: p for p in Person.objects.filter(identity_number__in=chunk)}
            )
        appointed: dict[int, Appointment] = {}
        for chunk in _chunks([p.pk for p in people.values()]):
            appointed.update(
                {
                    a.person_id: a
                    for a in Appointment.objects.filter(
                        person_id__in=chunk, end_date__isnull=True
                    ).select_related("organization")
                }
            )

        seen: dict[str, int] = {}
        entries: list[services.StaffEntry] = []
        for done, (row, values) in enumerate(sheet.rows, 1):
            ctx.start(row)
            entry = _check_row(
                ctx,
                values,
                regions=regions,
                orgs=orgs,
                scope=scope,
                balances=balances,
                post_balances=post_balances,
                bodies=bodies,
                people=people,
                appointed=appointed,
                seen=seen,
                today=today,
                document_number=document_number,
            )
            if entry is not None and ctx.row_ok:
                entries.append(entry)
            report(progress, done, len(sheet), "checked")

        if result.errors or dry_run:
            result.seconds = time.monotonic() - started
            return result
        try:
            created = services.appointment_bulk_create(
                actor=actor, entries=entries, legal_basis=document_number
            )
        except DomainError as exc:  # the registry changed between the check and the write
            transaction.set_rollback(True)
            ctx.start(0)
            ctx.error("", exc.message)
            result.seconds = time.monotonic() - started
            return result
        report(progress, len(sheet), len(sheet), "imported")
    result.imported = True
    result.created = {
        "appointments": len(created),
        "people": len(created) - sum(1 for e in entries if e.identity_number in people),
    }
    result.seconds = time.monotonic() - started
    return result


def _check_row(
    ctx: RowContext,
    values: dict[str, str],
    *,
    regions,
    orgs,
    scope,
    balances,
    post_balances,
    bodies,
    people,
    appointed,
    seen,
    today,
    document_number,
) -> services.StaffEntry | None:
    name = " ".join(values.get("name", "").split())
    if not name:
        ctx.error("name", _("The name is missing."))

    number = None
    raw_number = values.get("identity_number", "").strip()
    if not raw_number:
        ctx.error("identity_number", _("The identity number is missing."))
    elif "*" in raw_number:
        ctx.error(
            "identity_number",
            _("The identity number is masked (%(value)s): the full number is needed.")
            % {"value": raw_number},
        )
    else:
        try:
            number = normalize_identity_number(raw_number)
        except DomainError as exc:
            ctx.error("identity_number", exc.message)
    if number is not None:
        if number in seen:
            ctx.error(
                "identity_number",
                _("%(id)s appears twice in this file (first in row %(row)s).")
                % {"id": mask_identity_number(number), "row": seen[number]},
            )
        else:
            seen[number] = ctx.row
        person = people.get(number)
        if person is not None:
            if name and person.name != name:
                ctx.error(
                    "name",
                    _("Identity number %(id)s is registered under another name.")
                    % {"id": mask_identity_number(number)},
                )
            current = appointed.get(person.pk)
            if current is not None:
                ctx.error(
                    "identity_number",
                    _("%(name)s already holds an appointment in %(org)s.")
                    % {"name": person.name, "org": current.organization.name},
                )

    org = row_organization(ctx, values, regions, orgs, scope)

    parsed = parse_category(ctx, values, org)

    body = None
    body_text = values.get("internal_body", "").strip()
    if body_text and org is not None:
        body = bodies.get((org.pk, match_key(body_text)))
        if body is None:
            ctx.error(
                "internal_body",
                _("“%(body)s” is not an internal body of %(org)s.")
                % {"body": body_text, "org": org.name},
            )

    rank = ""
    rank_text = values.get("post_rank", "").strip()
    if rank_text:
        rank = parse_choice(PostRank, rank_text) or ""
        if not rank:
            ctx.error(
                "post_rank",
                _("Unknown leadership post “%(value)s” (正职, 副职).") % {"value": rank_text},
            )

    start_date = today
    if values.get("start_date", "").strip():
        start_date = parse_date(values["start_date"])
        if start_date is None:
            ctx.error(
                "start_date",
                _("“%(value)s” is not a date (e.g. 2019-01-01).") % {"value": values["start_date"]},
            )

    if org is None or parsed is None or not ctx.row_ok:
        return None
    category, funding = parsed
    balance = balances.setdefault((org.pk, category, funding), [0, 0])
    if balance[0] == 0:
        ctx.error(
            "category",
            _("%(org)s has no approved %(category)s quota.")
            % {"org": org.name, "category": services.category_label(category, funding)},
        )
        return None
    if balance[1] >= balance[0]:
        ctx.error(
            "category",
            _(
                "No vacancy: %(org)s has %(approved)s approved %(category)s posts, all filled "
                "counting the rows above."
            )
            % {
                "org": org.name,
                "approved": balance[0],
                "category": services.category_label(category, funding),
            },
        )
        return None
    if rank:
        posts = post_balances.setdefault((org.pk, rank), [0, 0])
        if posts[1] >= posts[0]:
            ctx.error(
                "post_rank",
                _(
                    "No vacant %(rank)s post: %(org)s has %(approved)s approved, all filled "
                    "counting the rows above."
                )
                % {
                    "org": org.name,
                    "approved": posts[0],
                    "rank": str(PostRank(rank).label).lower(),
                },
            )
            return None
        posts[1] += 1
    balance[1] += 1
    return services.StaffEntry(
        identity_number=number,
        name=name,
        organization_id=org.pk,
        category=category,
        funding_type=funding,
        internal_body_id=body.pk if body else None,
        post_rank=rank,
        start_date=start_date,
        document_number=values.get("document_number", "").strip() or document_number,
    )
