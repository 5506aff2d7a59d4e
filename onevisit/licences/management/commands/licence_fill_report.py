"""`python manage.py licence_fill_report [--since DATE] [--until DATE]`: the share of
required materials filled from the licence vault (电子证照免提交) per one-thing bundle and per
service item, over all the cases submitted in the period (the system's view, unscoped), as
a plain-text table."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit.catalog.selectors import item_names
from onevisit.core.management.arguments import iso_date

from ...indicators import FillRate, vault_fill


def _width(text: str) -> int:
    """Columns a string takes in a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _percent(rate: FillRate) -> str:
    return "—" if rate.share is None else f"{rate.share * 100:.1f}%"


class Command(BaseCommand):
    help = gettext_lazy(
        "Print the share of required materials filled from the licence vault, per bundle and "
        "per item, over all cases submitted in the period."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=iso_date, help=_("Cases submitted on or after this day (YYYY-MM-DD).")
        )
        parser.add_argument(
            "--until", type=iso_date, help=_("Cases submitted on or before this day (YYYY-MM-DD).")
        )

    def handle(self, *args, **options):
        since, until = options.get("since"), options.get("until")
        if since and until and since > until:
            raise CommandError(_("The period ends before it starts."))
        fill = vault_fill(since=since, until=until)
        period = f"{since or '…'} – {until or '…'}"
        self.stdout.write(
            _("Materials filled from the licence vault, cases submitted %(period)s")
            % {"period": period}
        )
        self.stdout.write(
            _("All cases: %(filled)d of %(required)d required materials (%(share)s).")
            % {
                "filled": fill.total.from_vault,
                "required": fill.total.required,
                "share": _percent(fill.total),
            }
        )
        names = item_names(item for item, _rate in fill.by_item)
        self._table(_("By one-thing bundle"), [(b.name, r) for b, r in fill.by_bundle])
        self._table(_("By service item"), [(names[i.pk], r) for i, r in fill.by_item])

    def _table(self, title: str, rows: list[tuple[str, FillRate]]) -> None:
        head = [_("Name"), _("Required"), _("From the vault"), _("Share")]
        body = [
            [name, str(rate.required), str(rate.from_vault), _percent(rate)] for name, rate in rows
        ]
        widths = [max(_width(r[n]) for r in [head, *body]) for n in range(len(head))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                _pad(cell, widths[n], right=n > 0) for n, cell in enumerate(cells)
            ).rstrip()

        self.stdout.write("")
        self.stdout.write(title)
        self.stdout.write(line(head))
        self.stdout.write("  ".join("-" * w for w in widths))
        for cells in body:
            self.stdout.write(line(cells))
        if not body:
            self.stdout.write(_("No case submitted in the period."))
