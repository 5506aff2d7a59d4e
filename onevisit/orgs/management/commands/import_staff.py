"""manage.py import_staff FILE --region CODE

Options: --actor USER, --document-number N, --dry-run.
"""

from onevisit.orgs.importers.staff import import_staff

from ._io import ImportCommand


class Command(ImportCommand):
    help = "Import staff from an .xlsx or CSV file, all rows or none."
    importer = staticmethod(import_staff)
