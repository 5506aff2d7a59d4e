"""Forms of the registry pages. They only parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onevisit.regions.models import Level

from .choices import FundingType, OrgKind, PostRank, QuotaCategory
from .models import InternalBody, Organization, PostBalance, QuotaBalance
from .services import category_label

SLOT_SEPARATOR = ":"
#: A native date picker needs ISO dates, whatever the language's date format.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Form(forms.Form):
    """Labels without a trailing colon: they read the same in both languages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def slot_value(category: str, funding_type: str) -> str:
    return f"{category}{SLOT_SEPARATOR}{funding_type}"


def slot_choices(balances: list[QuotaBalance]) -> list[tuple[str, str]]:
    """One option per quota balance, its label showing the vacancies."""
    return [
        (
            slot_value(b.category, b.funding_type),
            _("%(category)s — %(vacant)s vacant of %(approved)s")
            % {
                "category": category_label(b.category, b.funding_type),
                "vacant": b.vacant,
                "approved": b.approved,
            },
        )
        for b in balances
    ]


def post_choices(balances: list[PostBalance]) -> list[tuple[str, str]]:
    choices = [("", _("No leadership post"))]
    for b in balances:
        choices.append(
            (
                b.rank,
                _("%(rank)s — %(vacant)s vacant of %(approved)s")
                % {"rank": PostRank(b.rank).label, "vacant": b.vacant, "approved": b.approved},
            )
        )
    return choices


class TreeFilterForm(Form):
    """The filters of the organization tree (all optional)."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrgKind.choices]
    )
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)


class AppointmentForm(Form):
    """Appoint a person into one quota slot of an organization (人员进编)."""

    identity_number = forms.CharField(
        label=_("Resident identity number"),
        max_length=18,
        min_length=15,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18 characters, the last may be X."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    slot = forms.ChoiceField(label=_("Quota category and funding type"))
    internal_body = forms.ModelChoiceField(
        label=_("Internal body"),
        queryset=InternalBody.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    post_rank = forms.ChoiceField(label=_("Leadership post"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)

    def __init__(self, *args, quota_balances, post_balances, internal_bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slot_choices(quota_balances)
        self.fields["post_rank"].choices = post_choices(post_balances)
        self.fields["internal_body"].queryset = internal_bodies
        self.fields["start_date"].initial = timezone.localdate()

    def chosen_slot(self) -> tuple[str, str]:
        category, _sep, funding = self.cleaned_data["slot"].partition(SLOT_SEPARATOR)
        return category, funding


class AppointmentEndForm(Form):
    """End an appointment (人员出编)."""

    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()


class AppointmentTransferForm(Form):
    """Transfer a person to another organization (调动)."""

    to_organization = forms.ModelChoiceField(
        label=_("Receiving organization"), queryset=Organization.objects.none()
    )
    category = forms.ChoiceField(label=_("Quota category"), choices=QuotaCategory.choices)
    funding_type = forms.ChoiceField(
        label=_("Funding type"),
        choices=FundingType.choices,
        required=False,
        help_text=_("Only for public-institution quotas."),
    )
    post_rank = forms.ChoiceField(
        label=_("Leadership post"),
        choices=[("", _("No leadership post")), *PostRank.choices],
        required=False,
    )
    transfer_date = forms.DateField(label=_("Transfer date"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations
        self.fields["transfer_date"].initial = timezone.localdate()
