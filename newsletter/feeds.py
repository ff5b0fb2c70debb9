"""The RSS feed of the weekly digests: one item per complete week that has articles."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import templating
from articles.feeds import LatestArticlesFeed
from publication.identity import current as current_identity

from . import content, emails
from .weeks import Week

FEED_LENGTH = 12


class DigestFeed(LatestArticlesFeed):
    description = _("The weekly digest: the week's articles, top stories first.")

    def title(self, subject):
        return gettext("%(site)s — weekly digest") % {"site": current_identity(subject.request).name}

    def link(self, subject):
        return reverse("newsletter:digests")

    def items(self, subject):
        digests = content.build_weeks(content.weeks_with_articles(Week.current(), count=FEED_LENGTH))
        for built in digests:  # what item_description links to, as absolute addresses
            built.archives = [
                (
                    templating.date(month, "F Y"),
                    subject.request.build_absolute_uri(emails.archive_month(month)),
                )
                for month in built.months
            ]
        return digests

    def item_title(self, built):
        return gettext("The week of %(range)s") % {"range": emails.week_range(built.week)}

    def item_link(self, built):
        return reverse("newsletter:digest", args=[built.week.label])

    def item_description(self, built):
        titles = [article.title for article in built.top_stories + built.others]
        more = ""
        if built.more:
            links = ", ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in built.archives)
            more = f"<p>{escape(gettext(emails.MORE))} {links}.</p>"
        return "<ul>" + "".join(f"<li>{escape(title)}</li>" for title in titles) + "</ul>" + more

    def item_pubdate(self, built):
        return built.week.end

    def item_updateddate(self, built):
        return None

    def item_categories(self, built):
        return [group.tag.name for group in built.groups if group.tag]

    def item_enclosure_url(self, built):
        return None

    def item_extra_kwargs(self, built):
        return {}
