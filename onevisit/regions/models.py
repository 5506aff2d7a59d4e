"""Administrative divisions (行政区划), GB/T 2260 codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The level of a region, and the level at which an organization sits (层级)."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
CODE_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}


class Region(models.Model):
    """An administrative division (行政区划): province, city, county/district, township/street.

    The code is the GB/T 2260 code without trailing zeros (Zhejiang "33", Hangzhou
    "3301", Tonglu County "330122"); a region's subtree is every code it prefixes.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_code(self) -> str:
        """The code padded to six (or nine) digits, as printed on documents."""
        return self.code.ljust(6, "0") if len(self.code) < 6 else self.code
