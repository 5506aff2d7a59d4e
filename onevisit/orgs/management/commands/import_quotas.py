"""manage.py import_quotas FILE --region CODE

Options: --actor USER, --document-number N, --dry-run.
"""

from onevisit.orgs.importers.quotas import import_quotas

from ._io import ImportCommand


class Command(ImportCommand):
    help = "Import quotas from an .xlsx or CSV file, all rows or none."
    importer = staticmethod(import_quotas)
