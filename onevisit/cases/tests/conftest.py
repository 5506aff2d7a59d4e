"""Fixtures shared by the service desk's test modules."""

import pytest

from onevisit.core.models import Role
from onevisit.testing import factories as f


@pytest.fixture
def admin():
    """A system administrator (publishes holiday arrangements)."""
    user = f.UserFactory(username="calendar-admin")
    f.grant(user, Role.SYSTEM_ADMINISTRATOR, region=f.RegionFactory())
    return user
