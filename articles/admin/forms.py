"""The article admin's forms: the change form (checked against the workflow and against other
people's saves; the slug left to the server, « Change the address » offered after a public
article's new title), the source links' formset, the image field with its thumbnail, and the
tag field that completes from existing tags, without quotes for plain names."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget

from .. import revisions, workflow
from ..models import Article, ArticleNote, SourceLink, Tag
from ..rendering import control_characters
from ..reversing import reverse_one
from ..slugs import slug_for
from .moves import read_move

Status = Article.Status


class RefuseControlCharacters:
    """Text with a character no feed can carry (a \\x08 pasted with a title, say) is refused,
    field by field, with what to remove: readers would never see it, and feeds would break."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in list(cleaned_data.items()):
            texts = value if isinstance(value, list | tuple) else [value]
            found = sorted(
                {code for text in texts if isinstance(text, str) for code in control_characters(text)}
            )
            if found:
                self.add_error(
                    name,
                    gettext("This text holds invisible control characters (%(characters)s): remove them.")
                    % {"characters": ", ".join(found)},
                )
        return cleaned_data


class PartForm(RefuseControlCharacters, forms.ModelForm):
    """An article's image credit or source link, as the change form's inlines edit them."""


class ImageThumbnailInput(AdminFileWidget):
    """The admin's file field, with a thumbnail of the uploaded image above its file name: its
    smallest rendition (articles.images), or the image itself when it has none."""

    template_name = "articles/widgets/image_thumbnail.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            credit = getattr(value, "instance", None)
            renditions = getattr(credit, "renditions", None)
            context["widget"]["thumbnail"] = renditions[0][0].url if renditions else value.url
        return context


class SourceLinkFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        sources = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kind") == SourceLink.Kind.SOURCE
        ]
        if len(sources) > 1:
            raise ValidationError(_("An article has one original source."))


def tag_string(names):
    """Tag names as a person types them: separated by commas, quoted only when a name holds a comma
    (« Oncologie, Santé publique », not taggit's « Oncologie, "Santé publique" »). A lone name
    with a space ends with a comma, so that taggit reads one tag and not one a word."""
    text = ", ".join(f'"{name}"' if "," in name else name for name in names)
    if len(names) == 1 and " " in names[0] and "," not in names[0]:
        text += ","
    return text


class TagAutocompleteWidget(TagWidget):
    """Taggit's comma-separated field, without quotes for plain names, completing the tag being
    typed from the existing tags. A script (tag-autocomplete.js) shows the tags as removable chips
    with a box to add more; without it, the plain field works the same."""

    template_name = "articles/widgets/tag_autocomplete.html"
    tags = None  # the tags offered, set by the form for its user; all of them if not set

    class Media:
        js = ["articles/tag-autocomplete.js"]

    def format_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return tag_string([getattr(tag, "name", tag) for tag in value])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = "tag-names-" + context["widget"]["attrs"].get("id", name)
        context["widget"]["attrs"]["autocomplete"] = "off"
        context["widget"]["attrs"]["class"] = "vTextField tag-input"
        tags = Tag.objects.all() if self.tags is None else self.tags
        context["tag_names"] = tags.values_list("name", flat=True)
        return context


def address_offer(user, article, title=None):
    """The address an editor may give an article readers saw, made from ``title`` (its own by
    default), or None when it has that address already (a draft's slug follows its title itself)."""
    if article.pk is None or not workflow.is_editor(user):
        return None
    stored = article.stored_state()
    if stored is None or not Article.was_public(stored):
        return None
    offered = Article.permalink_for(slug_for(title or stored["title"]) or "article", stored["published_at"])
    return None if offered == stored["permalink"] else offered


# The status as an author reads it (shown read-only: the buttons of the moves change it).
AUTHOR_STATUS_HELP = _(
    "Draft: only you and the editors see it. In review: it is the editors' to publish; "
    "you can no longer change it unless they send it back."
)


class ArticleAdminForm(RefuseControlCharacters, forms.ModelForm):
    """The change form, checked against the workflow and against other people's saves."""

    user = None  # set by ArticleAdmin.get_form
    stored_status = None  # set by ArticleAdmin.get_form when restoring a version
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    significant_update = forms.BooleanField(
        label=_("Significant update"),
        required=False,
        help_text=_(
            "Tick for a change readers should know of: « Updated on … » and the structured data's "
            "dateModified move to now. A typo fix needs no tick; a new note moves them by itself."
        ),
    )
    note = forms.CharField(
        label=_("Add a note"),
        required=False,
        max_length=ArticleNote.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("For the desk only, kept in the thread: required to send the article back."),
    )
    withdrawal_notice = forms.BooleanField(
        label=_("Leave a public notice"),
        required=False,
        help_text=_(
            "When unpublishing an article readers saw: its address answers “410 Gone” with its "
            "title, the date and the reason below, instead of a silent “not found”."
        ),
    )

    change_address = forms.BooleanField(label=_("Change the address"), required=False)

    class Meta:
        model = Article
        exclude = []  # noqa: DJ006 -- the admin chooses the fields through its fieldsets
        widgets = {"tags": TagAutocompleteWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"].widget.tags = workflow.visible_tags(self.user, Tag.objects.all())
            self.fields["tags"].help_text = _(
                "Type a comma or press Enter after each tag; × removes one. Without scripts: "
                "the tags separated by commas."
            )
        stored = self.instance.status if self.instance.pk else Status.DRAFT
        self.original_status = self.stored_status or stored
        if not workflow.may_write_notes(self.user):
            for name in ("significant_update", "withdrawal_notice"):
                self.fields.pop(name, None)
        if "published_at" in self.fields and self.instance.first_published_at is None:
            self.fields["published_at"].help_text = _(
                "When the article will be published, once an editor publishes or schedules it: "
                "a moment to come schedules it."
            )
        offer = address_offer(self.user, self.instance)
        if offer:
            self.fields["change_address"].help_text = format_html(
                gettext(
                    "The title changed; the address is still {old}. Ticked, it becomes {new}, "
                    "and the old one leads there."
                ),
                old=self.instance.get_absolute_url(),
                new=reverse_one("articles:detail", "permalink", offer),
            )
        if self.instance.pk:
            # The save time of the very row the form shows: read apart, a save by someone
            # else in between would pass the check below and be overwritten unseen.
            self.fields["edit_token"].initial = self.instance.updated_at.isoformat()

    def stored_token(self, lock=False):
        articles = Article.objects.filter(pk=self.instance.pk)
        if lock:
            articles = articles.select_for_update()
        updated_at = articles.values_list("updated_at", flat=True).first()
        return updated_at.isoformat() if updated_at else ""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("edit_token") != self.stored_token(lock=True):
            latest = revisions.versions_of(self.instance).last()
            raise ValidationError(self.conflict_message(latest), code="edit_conflict")
        self.transition = read_move(self, cleaned_data)
        if cleaned_data.get("withdrawal_notice"):
            target = self.transition.target if self.transition else self.original_status
            self.check_notice(target, cleaned_data.get("withdrawal_reason", ""))
        self.clean_address(cleaned_data)
        return cleaned_data

    def clean_address(self, cleaned_data):
        """The slug: left blank, the server makes it from the title; typed, it is "set by hand"
        and no longer follows the title (Article.slug_follows_title). A public article keeps
        its address unless the editor ticks « Change the address »: the old one then redirects."""
        if "slug" not in cleaned_data:
            return
        article = self.instance
        stored = article.stored_state()
        was_public = stored is not None and Article.was_public(stored)
        title = cleaned_data.get("title") or article.title
        slug = cleaned_data["slug"]
        if not slug:
            cleaned_data["slug"] = stored["slug"] if was_public else ""
            article.slug_locked = was_public and article.slug_locked
        elif slug != (stored["slug"] if stored else "") and slug != slug_for(title):
            article.slug_locked = True
        if cleaned_data.get("change_address") and address_offer(self.user, article, title):
            cleaned_data["slug"] = slug_for(title) or "article"
            cleaned_data["permalink"] = article.permalink = ""
            article.slug_locked = False

    def check_notice(self, target, reason):
        """A public notice goes with unpublishing an article readers saw, and says why."""
        if self.transition is None or self.transition.name != "unpublish":
            message = gettext("A public notice is left when unpublishing: press “Unpublish”.")
            self.add_error("withdrawal_notice", message)
        elif not workflow.may_leave_notice(self.instance, target):
            self.add_error(
                "withdrawal_notice", gettext("Readers never saw this article: it leaves no public notice.")
            )
        elif not reason.strip():
            message = gettext("Say why the article is withdrawn: readers will read it.")
            self.add_error("withdrawal_reason", message)

    def conflict_message(self, latest):
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        if latest is None:
            return format_html(
                gettext(
                    "Someone else saved this article while you were editing it. Your changes are not "
                    'saved; they are still in the form below. <a href="{}">See its history</a>.'
                ),
                history,
            )
        who = latest.revision.user.get_username() if latest.revision.user else "—"
        when = formats.date_format(timezone.localtime(latest.revision.date_created), "DATETIME_FORMAT")
        changes = reverse("admin:articles_article_changes", args=[self.instance.pk, latest.pk])
        return format_html(
            gettext(
                "{who} saved this article on {when}, while you were editing it. Your changes are not "
                'saved; they are still in the form below. <a href="{changes}" target="_blank">See what '
                "{who} changed</a>, then reopen the article and make your changes again."
            ),
            who=who,
            when=when,
            changes=changes,
        )
