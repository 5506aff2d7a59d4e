"""Forms of the reform-plan pages. They only parse input into the typed payloads of
operations.py; the services decide, and the simulation judges the plan as a whole."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind, PostRank, QuotaCategory
from onevisit.orgs.forms import DATE_WIDGET, Form
from onevisit.orgs.models import Appointment, Organization
from onevisit.regions.models import Level, Region

from .models import OperationKind, ReformPlan

MIN_DATE, MAX_DATE = datetime.date(1949, 10, 1), datetime.date(2199, 12, 31)
FUNDING_CHOICES = [("", _("Not a public-institution quota")), *FundingType.choices[1:]]


class BoundedDateField(forms.DateField):
    """A date within the years the registry can hold (a typo like 20244 is an error, not a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(**kwargs)

    def clean(self, value):
        date = super().clean(value)
        if date is not None and not (MIN_DATE <= date <= MAX_DATE):
            raise forms.ValidationError(
                _("Give a date between %(min)s and %(max)s.")
                % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
                code="out_of_range",
            )
        return date


def region_from_code(code: str) -> Region:
    try:
        return Region.objects.get(code=(code or "").strip())
    except Region.DoesNotExist:
        raise forms.ValidationError(_("No region has this code."), code="unknown_region")


# --- plans -------------------------------------------------------------------
class PlanForm(Form):
    """A new draft plan (机构改革方案)."""

    name = forms.CharField(label=_("Name of the plan"), max_length=200)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        help_text=_("The number of the approving document, e.g. 桐委发〔2024〕3号."),
    )
    effective_date = BoundedDateField(label=_("Effective date"))
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        help_text=_("The division code of the region the plan reforms, e.g. 330122."),
    )

    def __init__(self, *args, write_scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_scope = write_scope

    def clean_region(self) -> Region:
        region = region_from_code(self.cleaned_data["region"])
        if not self.write_scope.covers(region_code=region.code, organization_id=None):
            raise forms.ValidationError(
                _("You are not an establishment officer of this region."), code="not_officer"
            )
        return region


class ApproveForm(Form):
    """Approve a submitted plan; a blocking impact needs an explicit override and its reason."""

    override_reason = forms.CharField(
        label=_("Reason for overriding the blocking impact"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on the plan and in the audit trail."),
    )


class ReturnForm(Form):
    """Send a submitted plan back to draft, with the reason."""

    reason = forms.CharField(
        label=_("Reason for returning the plan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class KindForm(Form):
    """The first step of adding an operation: its kind."""

    kind = forms.ChoiceField(label=_("Kind of operation"), choices=OperationKind.choices)


class DiffForm(Form):
    """Two dates (and optionally a region) to compare the registry between."""

    start = BoundedDateField(label=_("From"))
    end = BoundedDateField(label=_("To"))
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        required=False,
        help_text=_("Optional: only this region and the regions within it."),
    )

    def clean_region(self) -> Region | None:
        code = (self.cleaned_data.get("region") or "").strip()
        return region_from_code(code) if code else None


# --- operations ----------------------------------------------------------------
def new_key(name: str) -> str:
    """The key an organization established by the plan is referred to by."""
    return "new:" + " ".join(name.split())[:56]


def ref_value(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def organization_choices(plan: ReformPlan) -> list[tuple[str, str]]:
    """Live organizations of the plan's region, then those the plan itself establishes."""
    live = (
        Organization.objects.filter(
            region__code__startswith=plan.region.code, valid_to__isnull=True
        )
        .order_by("name")
        .values_list("pk", "name")
    )
    choices = [(str(pk), name) for pk, name in live]
    for op in plan.operations.filter(kind=OperationKind.ESTABLISH).order_by("position"):
        choices.append(
            (
                op.payload["key"],
                _("%(name)s (established by this plan)") % {"name": op.payload["name"]},
            )
        )
    return choices


def people_choices(plan: ReformPlan) -> list[tuple[str, str]]:
    """The people on the staff of the region's live organizations."""
    rows = (
        Appointment.objects.filter(
            end_date__isnull=True,
            organization__region__code__startswith=plan.region.code,
            organization__valid_to__isnull=True,
        )
        .order_by("organization__name", "person__name")
        .values_list("person_id", "person__name", "organization__name")
    )
    return [(str(pid), f"{name} — {org}") for pid, name, org in rows]


class OrgRefField(forms.ChoiceField):
    """An organization of the plan's region, or one the plan establishes ("new:…")."""

    def clean(self, value):
        value = super().clean(value)
        return ref_value(value) if value else None


class OrgRefsField(forms.MultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 6})

    def clean(self, value):
        return [ref_value(v) for v in super().clean(value)]


class OperationForm(Form):
    """Base of the forms of each kind. Each subclass defines `payload()`, the operation's
    parameters as reforms/operations.py types them, from its cleaned data."""

    kind: str = ""
    org_fields: tuple[str, ...] = ()
    people_fields: tuple[str, ...] = ()

    def __init__(self, *args, plan: ReformPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        orgs = organization_choices(plan) if self.org_fields else []
        people = people_choices(plan) if self.people_fields else []
        for name in self.org_fields:
            field = self.fields[name]
            blank = [] if isinstance(field, forms.MultipleChoiceField) else [("", _("Choose…"))]
            if not field.required:
                blank = [("", _("None"))]
            field.choices = blank + orgs
        for name in self.people_fields:
            self.fields[name].choices = people


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def quota_fields(required: bool):
    return (
        forms.ChoiceField(
            label=_("Quota category"),
            choices=([] if required else [("", _("None"))]) + list(QuotaCategory.choices),
            required=required,
        ),
        forms.ChoiceField(
            label=_("Funding type"),
            choices=FUNDING_CHOICES,
            required=False,
            help_text=_("Only for public-institution quotas."),
        ),
    )


class EstablishForm(OperationForm):
    """组建."""

    kind = OperationKind.ESTABLISH
    org_fields = ("managing_organization",)

    name = forms.CharField(label=_("Name of the new organization"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    org_kind = forms.ChoiceField(label=_("Kind of organization"), choices=OrgKind.choices)
    institution_class = forms.ChoiceField(
        label=_("Public-institution class"),
        choices=[("", _("None")), *InstitutionClass.choices],
        required=False,
        help_text=_("Only for public institutions."),
    )
    region = forms.ChoiceField(label=_("Region"))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    managing_organization = OrgRefField(label=_("Managing organization"), required=False)
    functions = forms.CharField(
        label=_("Main functions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One function per line."),
    )
    internal_bodies = forms.CharField(
        label=_("Internal bodies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One body per line: its name, a colon, then its duties."),
    )
    quota_category, quota_funding_type = quota_fields(required=False)
    quota_approved = forms.IntegerField(
        label=_("Approved staffing quota"), min_value=0, max_value=100000, initial=0
    )
    posts_head = forms.IntegerField(
        label=_("Leadership posts: heads"), min_value=0, max_value=100, initial=0
    )
    posts_deputy = forms.IntegerField(
        label=_("Leadership posts: deputies"), min_value=0, max_value=100, initial=0
    )

    def __init__(self, *args, plan: ReformPlan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        regions = Region.objects.filter(code__startswith=plan.region.code).order_by("code")
        self.fields["region"].choices = [(r.code, f"{r.name} ({r.code})") for r in regions[:1000]]
        self.fields["region"].initial = plan.region.code
        self.fields["level"].initial = plan.region.level

    def payload(self) -> dict:
        d = self.cleaned_data
        bodies = []
        for line in _lines(d["internal_bodies"]):
            name, _sep, duties = line.replace("：", ":").partition(":")
            bodies.append((name.strip(), duties.strip()))
        quotas = []
        if d["quota_category"] and d["quota_approved"]:
            quotas.append(
                {
                    "category": d["quota_category"],
                    "funding_type": d["quota_funding_type"] or "",
                    "approved": d["quota_approved"],
                }
            )
        posts = {rank: d[f"posts_{rank}"] for rank in PostRank.values if d.get(f"posts_{rank}")}
        return {
            "key": new_key(d["name"]),
            "name": d["name"].strip(),
            "name_en": d["name_en"].strip(),
            "org_kind": d["org_kind"],
            "institution_class": d["institution_class"] or "",
            "region": d["region"],
            "level": d["level"],
            "managing_organization": d["managing_organization"],
            "functions": _lines(d["functions"]),
            "internal_bodies": bodies,
            "quotas": quotas,
            "posts": posts,
        }


class MergeForm(OperationForm):
    """合并."""

    kind = OperationKind.MERGE
    org_fields = ("sources", "into")

    sources = OrgRefsField(
        label=_("Organizations merged"),
        help_text=_("Choose one or more; hold Ctrl (or Cmd) to choose several."),
    )
    into = OrgRefField(label=_("Merged into"))

    def clean(self):
        data = super().clean()
        if data.get("into") is not None and data.get("into") in (data.get("sources") or []):
            raise forms.ValidationError(
                _("An organization cannot be merged into itself."), code="self_merge"
            )
        return data

    def payload(self) -> dict:
        return {"sources": self.cleaned_data["sources"], "into": self.cleaned_data["into"]}


class AbolishForm(OperationForm):
    """撤销."""

    kind = OperationKind.ABOLISH
    org_fields = ("organization", "staff_to", "functions_to")

    organization = OrgRefField(label=_("Organization abolished"))
    staff_to = OrgRefField(label=_("Its staff go to"), required=False)
    functions_to = OrgRefField(label=_("Its functions go to"), required=False)
    functions_abolished = forms.BooleanField(
        label=_("Its functions are abolished"),
        required=False,
        help_text=_("Only when no organization takes them over."),
    )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "organization": d["organization"],
            "staff_to": d["staff_to"],
            "functions_to": d["functions_to"],
            "functions_abolished": d["functions_abolished"],
        }


class RenameForm(OperationForm):
    """更名."""

    kind = OperationKind.RENAME
    org_fields = ("organization",)

    organization = OrgRefField(label=_("Organization renamed"))
    name = forms.CharField(label=_("New name"), max_length=200)
    name_en = forms.CharField(label=_("New English name"), max_length=200, required=False)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "organization": d["organization"],
            "name": d["name"].strip(),
            "name_en": d["name_en"].strip(),
        }


class TransferFunctionForm(OperationForm):
    """职责划转."""

    kind = OperationKind.TRANSFER_FUNCTION
    org_fields = ("source", "target")

    source = OrgRefField(label=_("From"))
    target = OrgRefField(label=_("To"))
    function = forms.CharField(
        label=_("Function"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Exactly as written in the charter of the organization giving it."),
    )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"source": d["source"], "target": d["target"], "function": d["function"].strip()}


class TransferQuotaForm(OperationForm):
    """编制划转."""

    kind = OperationKind.TRANSFER_QUOTA
    org_fields = ("source", "target")

    source = OrgRefField(label=_("From"))
    target = OrgRefField(label=_("To"))
    category, funding_type = quota_fields(required=True)
    count = forms.IntegerField(label=_("Number of quota posts"), min_value=1, max_value=100000)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "source": d["source"],
            "target": d["target"],
            "category": d["category"],
            "funding_type": d["funding_type"] or "",
            "count": d["count"],
        }


class ChangePostsForm(OperationForm):
    """领导职数调整."""

    kind = OperationKind.CHANGE_POSTS
    org_fields = ("organization",)

    organization = OrgRefField(label=_("Organization"))
    rank = forms.ChoiceField(label=_("Leadership post"), choices=PostRank.choices)
    approved = forms.IntegerField(label=_("Approved number"), min_value=0, max_value=100)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"organization": d["organization"], "rank": d["rank"], "approved": d["approved"]}


class ReclassifyForm(OperationForm):
    """事业单位分类调整."""

    kind = OperationKind.RECLASSIFY
    org_fields = ("organization",)

    organization = OrgRefField(label=_("Public institution"))
    institution_class = forms.ChoiceField(label=_("New class"), choices=InstitutionClass.choices)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"organization": d["organization"], "institution_class": d["institution_class"]}


class MoveStaffForm(OperationForm):
    """人员划转."""

    kind = OperationKind.MOVE_STAFF
    org_fields = ("source", "target")
    people_fields = ("people",)

    source = OrgRefField(label=_("From"))
    target = OrgRefField(label=_("To"))
    people = forms.TypedMultipleChoiceField(
        label=_("People who move"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Choose one or more; hold Ctrl (or Cmd) to choose several."),
    )
    category, funding_type = quota_fields(required=True)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "source": d["source"],
            "target": d["target"],
            "people": d["people"],
            "category": d["category"],
            "funding_type": d["funding_type"] or "",
        }


class SplitForm(OperationForm):
    """分设: one part of the source goes to another organization (add one split per part)."""

    kind = OperationKind.SPLIT
    org_fields = ("source", "into")
    people_fields = ("staff",)

    source = OrgRefField(label=_("Organization split"))
    into = OrgRefField(label=_("Part goes to"))
    functions = forms.CharField(
        label=_("Functions that go"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One function per line, exactly as in the charter."),
    )
    staff = forms.TypedMultipleChoiceField(
        label=_("People who go"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    quota_category, quota_funding_type = quota_fields(required=False)
    quota_approved = forms.IntegerField(
        label=_("Quota posts that go"), min_value=0, max_value=100000, initial=0
    )
    abolish_source = forms.BooleanField(
        label=_("The organization split is abolished"), required=False
    )

    def payload(self) -> dict:
        d = self.cleaned_data
        quotas = []
        if d["quota_category"] and d["quota_approved"]:
            quotas.append(
                {
                    "category": d["quota_category"],
                    "funding_type": d["quota_funding_type"] or "",
                    "approved": d["quota_approved"],
                }
            )
        part = {
            "into": d["into"],
            "functions": _lines(d["functions"]),
            "staff": d["staff"],
            "quotas": quotas,
        }
        return {"source": d["source"], "parts": [part], "abolish_source": d["abolish_source"]}


OPERATION_FORMS: dict[str, type[OperationForm]] = {
    form.kind: form
    for form in (
        EstablishForm,
        MergeForm,
        AbolishForm,
        RenameForm,
        TransferFunctionForm,
        TransferQuotaForm,
        ChangePostsForm,
        MoveStaffForm,
        SplitForm,
        ReclassifyForm,
    )
}
