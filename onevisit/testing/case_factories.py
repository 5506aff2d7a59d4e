"""Helpers for the service desk in tests, through the services.

org_a, org_b, org_c = three departments of Tonglu with reviewers (`reviewer_of(org)`)
b = baby_bundle()                      # a published 3-item bundle in three organizations
citizen, applicant = citizen_account()
intake = submit(citizen, applicant, bundle=b)
"""

from __future__ import annotations

import datetime
import itertools
import uuid

from onevisit.cases import services
from onevisit.cases.choices import ApplicantKind, Channel, DeliveryMethod
from onevisit.cases.services import MaterialInput, Submission
from onevisit.catalog.choices import CaseType, MaterialSource
from onevisit.core.models import Role

from . import catalog_factories as cf
from . import duty_factories as df
from . import factories as f

_serial = itertools.count(1)

#: A submission time before the dates the tests act on and after the test catalog takes
#: effect (services refuse to act on a day before the application was received).
EARLY = datetime.datetime(2020, 1, 6, 9, 0, tzinfo=datetime.UTC)

#: A tiny but real PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def reviewer_of(org, *, head: bool = False, **kwargs):
    user = f.UserFactory(**kwargs)
    role = Role.DEPARTMENT_HEAD if head else Role.DEPARTMENT_REVIEWER
    f.grant(user, role, region=org.region, organization=org)
    return user


def clerk_of(window, **kwargs):
    user = f.UserFactory(**kwargs)
    f.grant(user, Role.WINDOW_CLERK, region=window.region, organization=window)
    return user


def citizen_account(*, region=None, name: str | None = None, email: str = "", phone: str = ""):
    region = region or df.county()
    user = f.UserFactory()
    f.grant(user, Role.CITIZEN, region=region)
    applicant = services.applicant_register(
        actor=user,
        kind=ApplicantKind.PERSON,
        name=name or f"市民{next(_serial)}",
        identifier=f.identity_number(region.code),
        region=region,
        email=email,
        phone=phone,
        user=user,
    )
    return user, applicant


def online_item(*, organization=None, materials=None, promised_limit: int = 5, **changes):
    """A published item that can be applied for online."""
    item = cf.service_item(organization=organization)
    version = cf.draft(
        item,
        **{
            **cf.COMPLETE,
            "promised_limit": promised_limit,
            "online": True,
            **changes,
        },
    )
    for spec in materials if materials is not None else [{"name": "申请表"}]:
        cf.material(version, **spec)
    cf.publish(version)
    return item


def immediate_item(**kwargs):
    return online_item(case_type=CaseType.IMMEDIATE, promised_limit=0, legal_limit=5, **kwargs)


#: The materials of `birth_bundle`, each asked once (户口簿 is needed by two items).
BIRTH_MATERIALS = ["出生医学证明申请表", "户口簿", "结婚证", "医保登记表"]


def birth_bundle():
    """A published "having a baby" bundle of three online items in three organizations."""
    items = [
        online_item(materials=[{"name": "出生医学证明申请表"}, {"name": "户口簿"}]),
        online_item(materials=[{"name": "户口簿"}, {"name": "结婚证"}]),
        online_item(materials=[{"name": "医保登记表"}]),
    ]
    return cf.bundle(items, publish=True, name="出生一件事")


def bundle_payload(client, bundle, names=BIRTH_MATERIALS, **extra) -> dict:
    """A body for POST /api/cases: each named material uploaded through the API first by
    the client's user, a new idempotency key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    materials = []
    for name in names:
        response = client.post("/api/uploads", {"file": SimpleUploadedFile("scan.pdf", PDF)})
        assert response.status_code == 201, response.content
        materials.append({"name": name, "upload": response.json()["id"]})
    return {
        "idempotency_key": uuid.uuid4().hex,
        "bundle": bundle.pk,
        "materials": materials,
        **extra,
    }


def upload(user, content: bytes = PDF, name: str = "scan.pdf"):
    return services.upload_create(actor=user, name=name, content=content)


def submit(
    user,
    applicant,
    *,
    items=(),
    bundle=None,
    materials: dict | None = None,
    delivery_method: str = DeliveryMethod.DOWNLOAD,
    channel: str = Channel.ONLINE,
    key: str | None = None,
    now=None,
    **kwargs,
):
    """Submit with every applicant material uploaded unless `materials` says otherwise."""
    from onevisit.catalog.selectors import bundle_items, live_versions, materials_of

    chosen = bundle_items(bundle) if bundle is not None else list(items)
    versions = live_versions(chosen)
    wanted = materials_of([versions[i.pk] for i in chosen])
    given = []
    for w in wanted:
        if materials is not None and w.name in materials:
            spec = materials[w.name]
            if spec is not None:
                given.append(MaterialInput(name=w.name, **spec))
        elif w.source == MaterialSource.APPLICANT:
            given.append(MaterialInput(name=w.name, upload=upload(user).pk))
    return services.case_submit(
        actor=user,
        applicant=applicant,
        submission=Submission(
            items=[i.pk for i in items],
            bundle=bundle.pk if bundle is not None else None,
            materials=given,
            delivery_method=delivery_method,
            **kwargs,
        ),
        idempotency_key=key or uuid.uuid4().hex,
        channel=channel,
        now=now,
    )
