"""Forms of the newsroom pages. They only parse input; `services` decides and writes.

The related services offered are the department's own items in force and the published
bundles of its region, so an article cannot point at another department's services.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onevisit.catalog.models import Bundle
from onevisit.catalog.selectors import item_names
from onevisit.orgs.forms import Form

from .models import ArticleKind
from .selectors import items_in_force
from .services import IMAGE_MAX_BYTES, ArticleDraft


def item_choices(organization) -> list[tuple[int, str]]:
    """The department's items with a version in force today, by name."""
    today = timezone.localdate()
    items = items_in_force(today).filter(organization=organization)
    return sorted(
        ((pk, name) for pk, name in item_names(items, today).items()), key=lambda r: (r[1], r[0])
    )


def bundle_choices(organization) -> list[tuple[int, str]]:
    """The published bundles (一件事) of the department's region."""
    rows = Bundle.objects.filter(region_id=organization.region_id, published=True)
    return [(b.pk, b.name) for b in rows.order_by("name", "pk")]


class ArticleForm(Form):
    """An article: what `services.ArticleDraft` holds, the image and its description."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("news or announcement", "Kind"), choices=ArticleKind.choices
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the news list and the feeds."),
    )
    body = forms.CharField(
        label=pgettext_lazy("article", "Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; leave a blank line between paragraphs."),
    )
    body_en = forms.CharField(
        label=_("English text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("A JPEG or PNG picture of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=200,
        required=False,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    items = forms.TypedMultipleChoiceField(
        label=_("Related services"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    bundles = forms.TypedMultipleChoiceField(
        label=_("Related life events"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, organization, **kwargs):
        """A new article, or a draft: its image, if it has one, is replaced only when a new
        one is chosen."""
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices(organization)
        self.fields["bundles"].choices = bundle_choices(organization)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and image.size > IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("The image is larger than 5 MB."))
        return image

    def draft(self) -> ArticleDraft:
        data = self.cleaned_data
        return ArticleDraft(
            kind=data["kind"],
            title=data["title"],
            title_en=data["title_en"],
            summary=data["summary"],
            body=data["body"],
            body_en=data["body_en"],
            image_alt=data.get("image_alt", ""),
            items=list(data["items"]),
            bundles=list(data["bundles"]),
        )

    def image_content(self) -> tuple[bytes | None, str]:
        image = self.cleaned_data.get("image")
        if not image:
            return None, ""
        return image.read(), (image.name or "image").rsplit("/", 1)[-1]


class ReturnForm(Form):
    """What the head asks the author to change."""

    note = forms.CharField(
        label=_("What should change"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(Form):
    """Why a published article is taken down."""

    note = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
