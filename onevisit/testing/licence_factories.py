"""Helpers for the licence vault in tests, through the services.

lt = licence_type(items=[item])              # approving `item` now issues a licence
lic = issue(lt, applicant, org)              # a licence issued directly (a legacy import)
doc = lic.exported()                         # what a holder downloads
user, company = enterprise_account(name="桐庐某某有限公司")
item, lt = issuing_item(org, form_fields=[SUBJECT_FIELD])   # an item whose result is a licence
task = approved_task(user, applicant, item, form={"subject": "…"})
item = vault_item(lt, organization=org_b, sharing_basis="《某条例》第十条")  # asks for lt
"""

from __future__ import annotations

import datetime
import itertools
import random

from onevisit.cases import services as case_services
from onevisit.cases.choices import ApplicantKind
from onevisit.catalog.choices import MaterialSource
from onevisit.core.models import Role
from onevisit.licences import services
from onevisit.licences.choices import HolderKind
from onevisit.licences.models import Licence, LicenceType

from . import case_factories as kf
from . import duty_factories as df
from . import factories as f

_serial = itertools.count(1)
_rng = random.Random(6)
_codes: set[str] = set()

#: A schema most tests use: one required field from the form, the holder's name.
FIELDS = [
    {"key": "holder_name", "label_zh": "姓名", "label_en": "Name", "required": True},
    {"key": "subject", "label_zh": "事项", "label_en": "Subject", "required": False},
]

#: A form field of an item whose value goes into the licence's "subject".
SUBJECT_FIELD = {"key": "subject", "label_zh": "许可事项", "label_en": "Subject", "type": "text"}

#: The default name of a material taken from the vault.
VAULT_MATERIAL = "电子证照"


def licence_type(*, code: str | None = None, items=(), fields=None, **kwargs) -> LicenceType:
    lt = LicenceType.objects.create(
        code=code or f"licence-{next(_serial)}",
        name=kwargs.pop("name", "测试证照"),
        name_en=kwargs.pop("name_en", "Test licence"),
        holder_kind=kwargs.pop("holder_kind", HolderKind.ANY),
        fields=FIELDS if fields is None else fields,
        **kwargs,
    )
    lt.items.set(items)
    return lt


def issue(
    lt: LicenceType, holder, organization, *, values=None, on: datetime.date | None = None
) -> Licence:
    return services.licence_issue(
        actor=None,
        licence_type=lt,
        holder=holder,
        organization=organization,
        values=values or {"subject": "测试"},
        issued_on=on or datetime.date(2026, 3, 2),
    )


def credit_code(region_code: str = "330122") -> str:
    """A fictional unified social credit code of an enterprise, valid in its check
    characters."""
    from onevisit.demo.numbers import credit_code as make

    return make(_rng, region_code=region_code, institution=False, used=_codes)


def enterprise_account(*, region=None, name: str | None = None):
    """An enterprise's account and its applicant record (kind enterprise)."""
    region = region or df.county()
    user = f.UserFactory()
    f.grant(user, Role.ENTERPRISE, region=region)
    applicant = case_services.applicant_register(
        actor=user,
        kind=ApplicantKind.ENTERPRISE,
        name=name or f"测试企业{next(_serial)}有限公司",
        identifier=credit_code(region.code),
        region=region,
        user=user,
    )
    return user, applicant


def issuing_item(organization=None, *, form_fields=None, materials=None, **lt_kwargs):
    """An online item of `organization` whose approval issues a licence of a new type:
    (item, licence type). The item's form has the licence's "subject" by default."""
    item = kf.online_item(
        organization=organization,
        materials=materials,
        form_fields=[SUBJECT_FIELD] if form_fields is None else form_fields,
    )
    return item, licence_type(items=[item], **lt_kwargs)


def vault_item(
    lt: LicenceType,
    *,
    organization=None,
    name: str = VAULT_MATERIAL,
    sharing_basis: str = "",
    required: bool = True,
    **changes,
):
    """An online item whose one material is an electronic licence of `lt`."""
    return kf.online_item(
        organization=organization,
        materials=[
            {
                "name": name,
                "source": MaterialSource.ELECTRONIC_LICENCE,
                "licence_type": lt.code,
                "sharing_basis": sharing_basis,
                "required": required,
            }
        ],
        **changes,
    )


def approved_task(user, applicant, item, *, reviewer=None, form=None, materials=None):
    """Submit `item` for `applicant`, then accept and approve its task."""
    task = kf.submit(user, applicant, items=[item], form=form or {}, materials=materials)
    task = task.case.tasks.get()
    reviewer = reviewer or kf.reviewer_of(task.organization)
    case_services.task_accept(actor=reviewer, task=task)
    return case_services.task_approve(actor=reviewer, task=task)
