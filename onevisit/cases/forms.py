"""Forms of the service-desk pages. They only parse input; the services decide and write.

The application form is built from what is applied for: the bundle's one form (each field
once) and each material once, with the ways the applicant may provide it (upload, one of
their records with consent, the department fetching it with consent, a promised date when
a shortfall is allowed, or paper handed in at the window).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onevisit.catalog.choices import FormFieldType, MaterialSource
from onevisit.core.models import User
from onevisit.orgs.forms import DATE_WIDGET, Form

from .choices import ApplicantKind, DeliveryMethod, Rating, SuspensionKind
from .selectors import QUEUES

#: How a material is provided (the radio buttons of a material).
UPLOAD, RECORD, SHARED, LATER, PAPER, NONE = "upload", "record", "shared", "later", "paper", "none"
FORM_FIELD_PREFIX = "field_"
TEXTAREA = forms.Textarea(attrs={"rows": 2})


def new_idempotency_key() -> str:
    """A fresh key for a form being rendered: its submissions make at most one case."""
    return uuid.uuid4().hex


@dataclass
class MaterialRow:
    """One material of the application form, with its bound fields for the template."""

    index: int
    material: object  # catalog.selectors.BundleMaterial
    how: forms.BoundField
    file: forms.BoundField | None
    upload: forms.BoundField | None
    uploaded: object | None  # the Upload already received for it, if any
    record: forms.BoundField | None
    consent: forms.BoundField | None
    promised_on: forms.BoundField | None
    needed_for: list[str]

    @property
    def source_label(self) -> str:
        source = self.material.source
        return MaterialSource(source).label if source in MaterialSource.values else source


def _form_field(spec, language: str) -> forms.Field:
    zh = language.startswith("zh")
    label = (spec.label_zh if zh else spec.label_en) or spec.label_en or spec.label_zh or spec.key
    if not spec.required:
        label = _("%(label)s (optional)") % {"label": label}
    common = {"label": label, "required": spec.required}
    if spec.type == FormFieldType.DATE:
        return forms.DateField(widget=DATE_WIDGET, **common)
    if spec.type == FormFieldType.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if spec.type == FormFieldType.BOOLEAN:
        return forms.BooleanField(**common)
    if spec.type == FormFieldType.ADDRESS:
        return forms.CharField(max_length=300, widget=TEXTAREA, **common)
    attrs = {}
    if spec.type == FormFieldType.PHONE:
        attrs = {"inputmode": "tel", "autocomplete": "tel"}
    elif spec.type in (FormFieldType.IDENTITY_NUMBER, FormFieldType.CREDIT_CODE):
        attrs = {"autocomplete": "off", "spellcheck": "false"}
    return forms.CharField(max_length=300, widget=forms.TextInput(attrs=attrs), **common)


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    return str(value)


class ApplyForm(Form):
    """An application, online or at a window: the one form, each material once, delivery,
    and the idempotency key generated when the form was rendered."""

    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    delivery_method = forms.ChoiceField(
        label=_("How do you want the results?"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.DOWNLOAD,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("Address for express mail"),
        max_length=300,
        required=False,
        widget=TEXTAREA,
        help_text=_("Needed only for express mail."),
    )

    window = False

    def __init__(
        self,
        *args,
        form_fields=(),
        materials=(),
        records: dict[int, list] | None = None,
        uploads: dict[int, object] | None = None,
        item_names: dict[int, str] | None = None,
        language: str = "en",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.item_names = item_names or {}
        self.form_field_specs = list(form_fields)
        self.material_specs = list(materials)
        self.records = records or {}
        self.uploads = uploads or {}
        for spec in self.form_field_specs:
            self.fields[FORM_FIELD_PREFIX + spec.key] = _form_field(spec, language)
        for n, m in enumerate(self.material_specs):
            self._add_material_fields(n, m)
        # The delivery choice comes after the materials on the page.
        for name in ("delivery_method", "delivery_address"):
            self.fields[name] = self.fields.pop(name)

    # --- materials ------------------------------------------------------------------
    def _ways(self, n: int, m) -> list[tuple[str, str]]:
        ways = []
        if self.records.get(n):
            ways.append(
                (RECORD, _("Use the applicant's record") if self.window else _("Use my record"))
            )
        if m.source == MaterialSource.OTHER_DEPARTMENT:
            ways.append((SHARED, _("Let the department fetch it")))
        if self.window:
            ways.append((PAPER, _("Paper received at the window")))
            ways.append((UPLOAD, _("Upload a scan")))
        else:
            ways.append((UPLOAD, _("Upload a file")))
        if m.shortfall_allowed:
            ways.append((LATER, _("Provide it later, by a promised date (容缺)")))
        if not m.required:
            ways.append((NONE, _("Not provided (optional)")))
        return ways

    def _add_material_fields(self, n: int, m) -> None:
        p = f"m{n}"
        ways = self._ways(n, m)
        # One way only: nothing to choose, the page just asks for it.
        self.fields[f"{p}_how"] = forms.ChoiceField(
            label=_("How is it provided?"),
            choices=ways,
            initial=ways[0][0],
            widget=forms.RadioSelect if len(ways) > 1 else forms.HiddenInput,
        )
        if any(w == UPLOAD for w, _label in ways):
            self.fields[f"{p}_file"] = forms.FileField(
                label=_("File (PDF, JPEG or PNG)"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            self.fields[f"{p}_upload"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
        if self.records.get(n):
            self.fields[f"{p}_record"] = forms.TypedChoiceField(
                label=_("Which record"),
                coerce=int,
                required=False,
                choices=[
                    (r.pk, f"{r.title} — {r.issued_by.name}, {r.issued_on:%Y-%m-%d}")
                    for r in self.records[n]
                ],
            )
        if self.records.get(n) or m.source == MaterialSource.OTHER_DEPARTMENT:
            self.fields[f"{p}_consent"] = forms.BooleanField(
                label=self._consent_label(bool(self.records.get(n))), required=False
            )
        if m.shortfall_allowed:
            self.fields[f"{p}_promised_on"] = forms.DateField(
                label=_("Promised for"), required=False, widget=DATE_WIDGET
            )

    def _consent_label(self, record: bool) -> str:
        if self.window:  # the clerk ticks it after asking the applicant
            if record:
                return _("The applicant consents (ask them): use this record for this application")
            return _(
                "The applicant consents (ask them): the department may fetch it from another "
                "department's data"
            )
        if record:
            return _("I consent: use this record for this application")
        return _("I consent: the department may fetch it from another department's data")

    def material_rows(self) -> list[MaterialRow]:
        rows = []
        for n, m in enumerate(self.material_specs):
            p = f"m{n}"
            bound = {
                k: self[f"{p}_{k}"] if f"{p}_{k}" in self.fields else None
                for k in ("file", "upload", "record", "consent", "promised_on")
            }
            upload = None
            if bound["upload"] is not None:
                upload = self.uploads.get(_int(bound["upload"].value()))
            needed_for = [self.item_names[i] for i in m.items if i in self.item_names]
            rows.append(
                MaterialRow(
                    index=n,
                    material=m,
                    how=self[f"{p}_how"],
                    uploaded=upload,
                    needed_for=needed_for if len(self.item_names) > 1 else [],
                    **bound,
                )
            )
        return rows

    def form_field_rows(self) -> list[forms.BoundField]:
        return [self[FORM_FIELD_PREFIX + spec.key] for spec in self.form_field_specs]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for n in range(len(self.material_specs)):
            p = f"m{n}"
            how = data.get(f"{p}_how")
            if how == UPLOAD:
                has_upload = data.get(f"{p}_upload") in self.uploads
                if not data.get(f"{p}_file") and not has_upload:
                    self.add_error(f"{p}_file", _("Choose the file to upload."))
            elif how == RECORD:
                if not data.get(f"{p}_record"):
                    self.add_error(f"{p}_record", _("Choose the record to use."))
                if not data.get(f"{p}_consent"):
                    self.add_error(f"{p}_consent", _("Tick to consent to the use of the record."))
            elif how == SHARED and not data.get(f"{p}_consent"):
                self.add_error(f"{p}_consent", _("Tick to consent to the department fetching it."))
            elif how == LATER:
                promised = data.get(f"{p}_promised_on")
                if not promised:
                    self.add_error(f"{p}_promised_on", _("Give the date you promise it for."))
                elif promised <= today:
                    self.add_error(f"{p}_promised_on", _("The promised date must be after today."))
        if (
            data.get("delivery_method") == DeliveryMethod.EXPRESS
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", _("Express mail needs an address."))
        return data

    def form_data(self) -> dict:
        """The answers of the one form, as JSON values keyed by the form's keys."""
        return {
            spec.key: _json_value(self.cleaned_data.get(FORM_FIELD_PREFIX + spec.key))
            for spec in self.form_field_specs
        }


class WindowIntakeForm(ApplyForm):
    """An application taken in at a comprehensive window: the applicant's identity, checked
    by the clerk against the identity document, and materials on paper or scanned."""

    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Name of the applicant"), max_length=200)
    applicant_identifier = forms.CharField(
        label=_("Identity number or credit code"),
        max_length=18,
        min_length=15,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Checked against the identity document the applicant shows."),
    )
    applicant_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    window = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_method"].initial = DeliveryMethod.PICKUP
        self.fields["delivery_method"].label = _("How does the applicant want the results?")

    def applicant_rows(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "applicant_kind",
                "applicant_name",
                "applicant_identifier",
                "applicant_phone",
            )
        ]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the applicant's supplement and rating ----------------------------------------------
class SupplementForm(Form):
    """Everything the open notices ask for, one file each, in one submission."""

    def __init__(self, *args, names=(), uploads: dict[int, object] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = list(names)
        self.uploads = uploads or {}
        for n, name in enumerate(self.names):
            self.fields[f"s{n}_file"] = forms.FileField(
                label=name,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
                help_text=_("PDF, JPEG or PNG"),
            )
            self.fields[f"s{n}_upload"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )

    def rows(self) -> list[dict]:
        return [
            {
                "name": name,
                "file": self[f"s{n}_file"],
                "upload": self[f"s{n}_upload"],
                "uploaded": self.uploads.get(_int(self[f"s{n}_upload"].value())),
            }
            for n, name in enumerate(self.names)
        ]

    def clean(self):
        data = super().clean()
        for n, _name in enumerate(self.names):
            if not data.get(f"s{n}_file") and data.get(f"s{n}_upload") not in self.uploads:
                self.add_error(f"s{n}_file", _("Choose the file to upload."))
        return data


class RatingForm(Form):
    """好差评: the case on five levels, and each department that handled it (optional)."""

    rating = forms.TypedChoiceField(
        label=_("Your rating of the whole service"),
        coerce=int,
        choices=[(r.value, r.label) for r in reversed(Rating)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        for org in self.organizations:
            self.fields[f"org_{org.pk}"] = forms.TypedChoiceField(
                label=org.name,
                coerce=int,
                required=False,
                empty_value=None,
                choices=[(r.value, r.label) for r in reversed(Rating)],
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = self.fields.pop("comment")

    def department_rows(self) -> list[forms.BoundField]:
        return [self[f"org_{org.pk}"] for org in self.organizations]

    def departments(self) -> dict[int, int]:
        return {
            org.pk: self.cleaned_data[f"org_{org.pk}"]
            for org in self.organizations
            if self.cleaned_data.get(f"org_{org.pk}")
        }


# --- reviewer actions ----------------------------------------------------------------
class ActionForm(Form):
    """A reviewer action without input (accept, resume)."""


class NotAcceptForm(Form):
    """Refuse to accept (不予受理), with the reason."""

    reason = forms.CharField(label=_("Reason for not accepting"), max_length=2000, widget=TEXTAREA)


class SupplementRequestForm(Form):
    """One complete notice (一次性告知): every missing item at once."""

    materials = forms.MultipleChoiceField(
        label=_("Materials of the application that are missing or insufficient"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("What is wrong with the ticked materials"), max_length=500, required=False
    )
    other = forms.CharField(
        label=_("Other missing items, one per line"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write “name: what is needed” to add a note to an item."),
    )
    new_fact = forms.CharField(
        label=_("New fact"), max_length=2000, required=False, widget=TEXTAREA
    )
    reason = forms.CharField(
        label=_("Reason for a second notice"), max_length=2000, required=False, widget=TEXTAREA
    )

    def __init__(self, *args, material_names=(), second: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(n, n) for n in material_names]
        if not material_names:
            del self.fields["materials"]
            del self.fields["note"]
        self.second = second
        if second:
            self.fields["new_fact"].required = self.fields["reason"].required = True
            self.fields["new_fact"].help_text = _(
                "A notice was already issued: a second one needs a new fact and a reason."
            )
        else:
            del self.fields["new_fact"]
            del self.fields["reason"]

    def missing(self) -> list[dict]:
        data = self.cleaned_data
        note = (data.get("note") or "").strip()
        rows = [{"name": name, "note": note} for name in data.get("materials") or []]
        for line in (data.get("other") or "").splitlines():
            name, sep, text = line.replace("：", ":").partition(":")
            if name.strip():
                rows.append({"name": name.strip(), "note": text.strip() if sep else ""})
        return rows

    def clean(self):
        data = super().clean()
        if not self.errors and not self.missing():
            raise forms.ValidationError(_("List at least one missing item."))
        return data


class SuspendForm(Form):
    """Stop the clock (中止) for a reason other than a supplement."""

    kind = forms.ChoiceField(
        label=_("Why is the clock stopped?"),
        choices=[c for c in SuspensionKind.choices if c[0] != SuspensionKind.SUPPLEMENT],
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=TEXTAREA)


class ExtendForm(Form):
    """An extension (延期): working days, a reason, and the approving head."""

    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=250)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=2000, widget=TEXTAREA)
    approved_by = forms.ModelChoiceField(
        label=_("Approved by (department head)"), queryset=User.objects.none()
    )

    def __init__(self, *args, heads=None, **kwargs):
        """`heads`: the department's heads the user may choose (`selectors.department_heads`)."""
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = heads if heads is not None else User.objects.none()
        self.fields["approved_by"].empty_label = _("Choose a head of the department")


class ApproveForm(Form):
    """Approve (准予), with an optional note."""

    note = forms.CharField(
        label=_("Note on the decision (optional)"), max_length=2000, required=False, widget=TEXTAREA
    )


class DenyForm(Form):
    """Deny (不予许可): the reason and its legal basis."""

    reason = forms.CharField(label=_("Reason for the denial"), max_length=2000, widget=TEXTAREA)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=2000, widget=TEXTAREA)


# --- lists, the window, delivery and rates --------------------------------------------------
class QueueForm(Form):
    """Which queue of tasks, of which department, from where."""

    queue = forms.ChoiceField(
        label=_("List"), required=False, choices=[(k, v) for k, v in QUEUES.items()]
    )
    org = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False)
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", _("All my departments"))] + [
            (o.pk, o.name) for o in organizations
        ]


class WindowPickForm(Form):
    """What the applicant at the window applies for: a bundle or one item."""

    bundle = forms.TypedChoiceField(label=_("One-thing bundle"), coerce=int, required=False)
    item = forms.TypedChoiceField(label=_("Or one service item"), coerce=int, required=False)

    def __init__(self, *args, bundles=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].choices = [("", "—")] + [(b.pk, b.name) for b in bundles]
        self.fields["item"].choices = [("", "—")] + [(pk, name) for pk, name in items]

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("bundle")) == bool(data.get("item")):
            raise forms.ValidationError(_("Choose either a bundle or one item."))
        return data


class CaseLookupForm(Form):
    """Find a case by its number at the window."""

    number = forms.CharField(label=_("Case number"), max_length=32)


class DispatchForm(Form):
    """Results sent by express mail, with the tracking number."""

    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)


class RatesForm(Form):
    """The period and region of the visit rates."""

    region = forms.RegexField(
        label=_("Region code"),
        regex=r"^\d{2,9}$",
        required=False,
        max_length=9,
        error_messages={"invalid": _("A region code is 2 to 9 digits, such as 330122.")},
    )
    organization = forms.IntegerField(
        label=_("Department"), required=False, min_value=1, max_value=2**63 - 1
    )
    start = forms.DateField(label=_("Completed from"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("Completed until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is accepted: whether its figures may be read is the selectors' rule
        # (a 404, like the API), not a "valid choice" of the form.
        self.fields["organization"].widget = forms.Select(
            choices=[("", _("All departments I may see"))] + [(o.pk, o.name) for o in organizations]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
