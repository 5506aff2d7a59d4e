"""Forms of the power and responsibility list pages. They only parse input; the services
decide and write."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onevisit.orgs.forms import DATE_WIDGET, Form
from onevisit.orgs.models import Organization
from onevisit.regions.models import Level

from .choices import AssignmentRole, DutyCategory, FindingKind

MIN_DATE, MAX_DATE = datetime.date(1949, 10, 1), datetime.date(2199, 12, 31)
REGION_CODE = RegexValidator(r"^\d{2,9}$", _("A region code is 2 to 9 digits, such as 330603."))


def _region_field(required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Region code"),
        required=required,
        max_length=9,
        validators=[REGION_CODE],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
    )


def _check_date(date):
    if date is not None and not (MIN_DATE <= date <= MAX_DATE):
        raise forms.ValidationError(
            _("Give a date between %(min)s and %(max)s.")
            % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}
        )
    return date


class DutyListForm(Form):
    """The filters of a region's list (all optional)."""

    region = _region_field()
    category = forms.TypedChoiceField(
        label=pgettext_lazy("duty", "Category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All categories")), *DutyCategory.choices],
    )
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)


class FindingsForm(Form):
    """Which findings to show: a region, a date, a kind."""

    region = _region_field()
    as_of = forms.DateField(label=_("As of date"), required=False, widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("Kind of fault"),
        required=False,
        choices=[("", _("All kinds")), *FindingKind.choices],
    )

    def clean_as_of(self):
        return _check_date(self.cleaned_data.get("as_of"))


class ClearanceForm(Form):
    region = _region_field()
    as_of = forms.DateField(label=_("As of date"), required=False, widget=DATE_WIDGET)

    def clean_as_of(self):
        return _check_date(self.cleaned_data.get("as_of"))


class AcknowledgeForm(Form):
    """Acknowledge a finding with the reason; the facts are taken from the finding itself."""

    key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    region = forms.CharField(
        max_length=9, required=False, validators=[REGION_CODE], widget=forms.HiddenInput
    )
    as_of = forms.DateField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for acknowledging"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The finding shows again as soon as its facts change."),
    )

    def clean_as_of(self):
        return _check_date(self.cleaned_data.get("as_of"))


def _organization_field(label, organizations) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=organizations)
    field.label_from_instance = lambda o: f"{o.name} ({o.region.name})"
    return field


class AssignmentMoveForm(Form):
    """Move a duty to another organization (职责划转)."""

    to_organization = forms.ModelChoiceField(
        label=_("Move to"), queryset=Organization.objects.none()
    )
    date = forms.DateField(label=_("Effective date"), required=False, widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Document number"), max_length=100, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"] = _organization_field(_("Move to"), organizations)

    def clean_date(self):
        return _check_date(self.cleaned_data.get("date"))


class AssignmentEndForm(Form):
    """Stop an organization exercising a duty."""

    date = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_date(self):
        return _check_date(self.cleaned_data.get("date"))


class DivisionForm(Form):
    """Declare what this organization does, among those holding the duty (分工)."""

    text = forms.CharField(
        label=_("Division of labour"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave it empty to clear the division."),
    )


class AssignForm(Form):
    """Make an organization exercise the duty."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    role = forms.ChoiceField(
        label=pgettext_lazy("duty assignment", "Role"), choices=AssignmentRole.choices
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("The organization's own level")), *Level.choices],
    )
    division_of_labour = forms.CharField(
        label=_("Division of labour"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    delegated = forms.BooleanField(label=_("Delegated (委托)"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(_("Organization"), organizations)
