"""manage.py import_duties FILE --region CODE [--create-missing-orgs] [--dry-run]

Options: --actor USER, --document-number N, --local-reason TEXT.
"""

from onevisit.duties.importers import import_duties
from onevisit.orgs.management.commands._io import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a power and responsibility list (权责清单) from an .xlsx or CSV file, all rows "
        "or none. Into a province, the rows are its base catalog."
    )
    importer = staticmethod(import_duties)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-missing-orgs",
            action="store_true",
            help="Register departments the registry lacks as government departments at the "
            "region's level, instead of refusing their rows.",
        )
        parser.add_argument(
            "--local-reason",
            default="",
            help="Reason recorded for local additions (items not in the province's base "
            "catalog) whose row gives none.",
        )

    def importer_options(self, options) -> dict:
        return {
            "create_missing_orgs": options["create_missing_orgs"],
            "local_reason": options["local_reason"],
        }
