"""Forms of the licence vault's pages. They only parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onevisit.orgs.forms import DATE_WIDGET, Form
from onevisit.orgs.models import Organization

from .models import Licence

#: The largest licence file the verify page reads (an exported licence is about 1 KB).
DOCUMENT_LIMIT = 64 * 1024


class ConsentForm(Form):
    """The holder lets a department use one of their licences (授权), for a purpose,
    until a date or until withdrawn."""

    licence = forms.ModelChoiceField(
        label=_("Licence"), queryset=Licence.objects.none(), to_field_name="number"
    )
    organization = forms.ModelChoiceField(
        label=_("Department"), queryset=Organization.objects.none()
    )
    purpose = forms.CharField(
        label=_("What it may be used for"),
        max_length=300,
        help_text=_("For example: checking the licence for my business registration."),
    )
    until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave it empty for a consent that stands until you withdraw it."),
    )

    def __init__(self, *args, licences, organizations, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        zh = language.startswith("zh")

        def label(lic: Licence) -> str:
            lt = lic.licence_type
            return f"{lt.name if zh else (lt.name_en or lt.name)} {lic.number}"

        licence_field = self.fields["licence"]
        licence_field.queryset = licences
        licence_field.label_from_instance = label
        self.set_organizations(organizations)

    def set_organizations(self, organizations) -> None:
        field = self.fields["organization"]
        field.queryset = organizations
        field.label_from_instance = lambda o: f"{o.name} ({o.region.name})"


class DepartmentSearchForm(Form):
    """Narrow the departments offered by the consent form."""

    q = forms.CharField(label=_("Find a department by name"), required=False, max_length=100)


class VerifyForm(Form):
    """An exported licence to verify: pasted, or its file uploaded."""

    text = forms.CharField(
        label=_("Paste the licence file's content (JSON)"),
        required=False,
        max_length=DOCUMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=_("Or choose the licence file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean(self):
        data = super().clean()
        file = data.get("file")
        if file is not None and file.size > DOCUMENT_LIMIT:
            raise forms.ValidationError(
                _("This file is too large to be a licence."), code="too_large"
            )
        if file is None and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the licence or choose its file."), code="required")
        return data

    def document_bytes(self) -> bytes:
        """The document sent: the file if one was chosen, else the pasted text."""
        file = self.cleaned_data.get("file")
        if file is not None:
            return file.read(DOCUMENT_LIMIT + 1)
        return self.cleaned_data["text"].strip().encode()
