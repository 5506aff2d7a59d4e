import pytest
from django.conf import settings
from django.core.management import call_command

from onevisit.core.audit import verify_chain
from onevisit.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_import_loads_every_level_and_is_idempotent():
    call_command("import_divisions", verbosity=0)
    counts = {lvl: Region.objects.filter(level=lvl).count() for lvl in Level.values}
    assert counts[Level.PROVINCE] >= 31
    assert counts[Level.CITY] >= 300
    assert counts[Level.COUNTY] >= 2900
    assert counts[Level.TOWNSHIP] >= 1300
    tonglu = Region.objects.get(code="330122")
    assert tonglu.parent.code == "3301" and tonglu.parent.parent.code == "33"
    assert Region.objects.get(code="330603").level == Level.COUNTY
    call_command("import_divisions", verbosity=0)
    assert Region.objects.count() == sum(counts.values())
    assert verify_chain() is None


def test_missing_directory_is_a_clear_error(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No divisions directory"):
        call_command("import_divisions", str(tmp_path / "nope"))
    assert settings.SHARED_DIR.exists()
