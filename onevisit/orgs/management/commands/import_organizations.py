"""manage.py import_organizations FILE --region CODE

Options: --actor USER, --document-number N, --dry-run.
"""

from onevisit.orgs.importers.organizations import import_organizations

from ._io import ImportCommand


class Command(ImportCommand):
    help = "Import organizations from an .xlsx or CSV file, all rows or none."
    importer = staticmethod(import_organizations)
