"""Pages for importing and exporting the registry (/registry/io/).

The import page is for establishment officers (and system administrators): anyone else
gets a 404. A file that cannot be read is a 400 with the reason; a file with bad rows is a
422 with every bad row listed; nothing is written unless every row is good.
"""

from __future__ import annotations

import tempfile
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onevisit.core.errors import DomainError
from onevisit.core.models import Role
from onevisit.core.scoping import REGION_WIDE, assignments_of, registry_write_scope
from onevisit.regions.models import Region

from .importers import exporters
from .importers.common import ImportFileError
from .importers.organizations import import_organizations
from .importers.quotas import import_quotas
from .importers.staff import import_staff

IMPORTERS = {
    "organizations": import_organizations,
    "quotas": import_quotas,
    "staff": import_staff,
}


def _kind_labels() -> dict[str, str]:
    return {
        "organizations": _("Organizations (机构)"),
        "quotas": _("Approved quotas (编制)"),
        "staff": _("Staff, real-name (实名制人员)"),
    }


def _may_import(user) -> bool:
    if user.is_superuser:
        return True
    return any(
        a.role in {Role.ESTABLISHMENT_OFFICER, Role.SYSTEM_ADMINISTRATOR}
        for a in assignments_of(user)
    )


def _home_regions(user) -> list[Region]:
    regions = {a.region.code: a.region for a in assignments_of(user) if a.role in REGION_WIDE}
    return [regions[c] for c in sorted(regions)]


def _lang() -> str:
    return "zh" if (translation.get_language() or "").startswith("zh") else "en"


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload a CSV or XLSX file of organizations, quotas or staff."""
    if not _may_import(request.user):
        raise Http404("No such page")
    regions = _home_regions(request.user)
    context = {
        "kinds": _kind_labels(),
        "regions": regions,
        "max_megabytes": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "form": {
            "kind": request.POST.get("kind", "staff"),
            "region": request.POST.get("region", regions[0].code if regions else ""),
            "document_number": request.POST.get("document_number", ""),
            "dry_run": bool(request.POST.get("dry_run")),
        },
        "exports": [(kind, fmt) for kind in exporters.KINDS for fmt in exporters.FORMATS],
    }
    if request.method == "GET":
        return render(request, "orgs_io/import.html", context)

    def refuse(message: str, status: int = 400):
        context["refusal"] = message
        return render(request, "orgs_io/import.html", context, status=status)

    form = context["form"]
    importer = IMPORTERS.get(form["kind"])
    if importer is None:
        return refuse(_("Choose what the file holds: organizations, quotas or staff."))
    region = Region.objects.filter(code=form["region"].strip()).first()
    if region is None:
        return refuse(_("Unknown region “%(code)s”.") % {"code": form["region"]})
    if not registry_write_scope(request.user).covers(region_code=region.code, organization_id=None):
        return refuse(
            _("You may not change the registry of %(region)s.") % {"region": region.name}, 403
        )
    upload = request.FILES.get("file")
    if upload is None:
        return refuse(_("Choose a file to upload."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        return refuse(
            _("The file is too big: %(size)s MB, the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / (1024 * 1024), 1),
                "limit": context["max_megabytes"],
            }
        )
    data = upload.read()
    started = time.monotonic()
    try:
        result = importer(
            data,
            actor=request.user,
            region=region,
            filename=upload.name or "",
            document_number=form["document_number"].strip(),
            dry_run=form["dry_run"],
        )
    except ImportFileError as exc:
        return refuse(exc.message)
    except DomainError as exc:
        return refuse(exc.message, exc.status)
    context.update(
        result=result,
        region=region,
        filename=upload.name,
        seconds=round(time.monotonic() - started, 1),
    )
    return render(request, "orgs_io/import.html", context, status=422 if result.errors else 200)


@login_required
@require_http_methods(["GET"])
def export(request, kind: str, fmt: str):
    """A region's organizations, quotas or staff as CSV or XLSX, scoped to the user."""
    code = request.GET.get("region", "").strip()
    if not code:
        home = _home_regions(request.user)
        if not home:
            return render(
                request,
                "error.html",
                {"message": _("Name the region to export, e.g. ?region=330122.")},
                status=400,
            )
        code = home[0].code
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404("No such region")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exporters.export(kind, fmt, user=request.user, region=region, lang=_lang(), out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{kind}-{region.code}.{fmt}",
        content_type=exporters.CONTENT_TYPES[fmt],
    )
