"""The subscription form and the preferences form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.models import Tag

from .emails import sendable


def tag_choices():
    """Tags readers may choose: public ones (internal tags, or tags of drafts only, stay unknown)."""
    return Tag.objects.public().order_by("name")


class PreferencesForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags of interest"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole letter. Otherwise its top stories and the articles of these tags."),
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tag_choices()


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)

    field_order = ["email", "tags", "language"]

    def clean_email(self):
        """An address at a domain name, as mail providers give them. EmailField also takes a quoted
        local part (« "a,b@x"@example.org », control characters inside) and a domain that is an IP
        address or a single name (« x@[10.0.0.1] », « x@localhost »): no reader has one, and the
        site's SMTP server would be asked to deliver inside its own network."""
        email = self.cleaned_data["email"].strip().lower()
        local, _at, domain = email.rpartition("@")
        if '"' in local or "[" in domain or "." not in domain.strip(".") or not sendable(email):
            raise forms.ValidationError(
                _("Give an address at a domain name, such as name@example.org."), code="invalid"
            )
        return email
