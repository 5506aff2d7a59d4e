"""The vault end to end in one place: issue, export, verify, revoke, re-issue, rotate."""

import datetime

import pytest

from onevisit.licences import selectors, services
from onevisit.licences.choices import Verdict
from onevisit.testing import case_factories as cf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def test_issue_verify_revoke_rotate():
    org = f.organization()
    _user, applicant = cf.citizen_account()
    lt = lf.licence_type(validity_years=5)
    lic = lf.issue(lt, applicant, org)
    doc = lic.exported()
    assert selectors.verify(doc, today=TODAY).verdict == Verdict.GENUINE
    forged = {**doc, "payload": {**doc["payload"], "fields": {"holder_name": "someone"}}}
    assert selectors.verify(forged, today=TODAY).verdict == Verdict.TAMPERED
    assert selectors.verify(doc, today=datetime.date(2031, 3, 3)).verdict == Verdict.EXPIRED
    head = cf.reviewer_of(org, head=True)
    services.signing_key_rotate(actor=head, organization=org)
    assert selectors.verify(doc, today=TODAY).verdict == Verdict.GENUINE
    services.licence_revoke(actor=head, licence=lic, reason="错误签发")
    assert selectors.verify(doc, today=TODAY).verdict == Verdict.REVOKED
