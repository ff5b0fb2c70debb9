"""The letter's pages: the digests (public, cached) and the subscription's (never cached).

The digest of a week is read from the articles themselves (newsletter.content), so that
its page is never stale: an article published in that week shows at once (the page cache's
generation moves on with every public write: articles.caching). The subscription's pages
are each reader's own and never cached; the form has CSRF protection and rate limits, and
the links of e-mails carry signed tokens (newsletter.tokens) instead.
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from . import content, emails, limits, tokens
from .forms import PreferencesForm, SubscribeForm
from .models import Subscriber
from .tasks import send_confirmation
from .weeks import Week

INDEX_LENGTH = 104  # two years of weeks


class DigestView(TemplateView):
    template_name = "newsletter/digest_detail.html"

    def get_context_data(self, week, **kwargs):
        try:
            week = Week.parse(week)
        except ValueError:
            raise Http404("No such week") from None
        current = Week.current()
        if week > current:
            raise Http404("A week to come")
        built = content.build(week)
        if not built:
            raise Http404("No article that week")
        return super().get_context_data(
            content=built,
            week=week,
            in_progress=week == current,
            week_range=emails.week_range(week),
            previous=week.previous,
            next=week.next if week.next <= current else None,
            **kwargs,
        )


class DigestIndexView(TemplateView):
    template_name = "newsletter/digest_index.html"

    def get_context_data(self, **kwargs):
        current = Week.current()
        # This week's with the others, in the same query: it is the first when it has articles.
        weeks = content.weeks_with_articles(current.next, count=INDEX_LENGTH + 1)
        this_week = bool(weeks) and weeks[0] == current
        weeks = weeks[1:] if this_week else weeks[:INDEX_LENGTH]
        return super().get_context_data(
            weeks=[(week, emails.week_range(week)) for week in weeks],
            current=current if this_week else None,
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    template_name = "newsletter/subscribe.html"

    def get(self, request):
        form = SubscribeForm(initial={"language": get_language()})
        return TemplateResponse(request, self.template_name, {"form": form})

    def post(self, request):
        if not limits.client_allowed(request):
            return TemplateResponse(request, "newsletter/too_many.html", status=429)
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(request, self.template_name, {"form": form}, status=400)
        subscribe(form.cleaned_data)
        return redirect("newsletter:subscribed")


def subscribe(data):
    """Record the request and send its e-mail, the same steps whoever the address belongs to.

    A new, pending or unsubscribed address becomes pending with the chosen tags and gets a
    link to confirm; a confirmed one is left as it is (nobody may change another reader's
    choices) and gets a link to its preferences. At most ``EMAILS_PER_ADDRESS`` a day.
    """
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            email=data["email"], defaults={"language": data["language"]}
        )
        already = subscriber.status == Subscriber.Status.CONFIRMED
        if not already:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.language = data["language"]
            subscriber.save(update_fields=["status", "language"])
            subscriber.tags.set(data["tags"])
        if limits.may_email(data["email"]):
            transaction.on_commit(lambda: send_confirmation.enqueue(subscriber.pk, already))


@method_decorator(never_cache, name="dispatch")
class SubscribedView(TemplateView):
    template_name = "newsletter/subscribed.html"


@method_decorator(never_cache, name="dispatch")
class TokenView(View):
    """A page reached from an e-mail's link: GET shows a button (a link scanner fetches pages,
    it does not press buttons), POST acts."""

    purpose = None
    template_name = None

    def subscriber(self, token):
        found = tokens.read(token, self.purpose)
        if found is None:
            return None
        return found

    def invalid(self, request):
        return TemplateResponse(request, "newsletter/invalid_link.html", status=404)

    def get(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return self.invalid(request)
        return TemplateResponse(request, self.template_name, {"subscriber": subscriber, "done": False})


class ConfirmView(TokenView):
    purpose = tokens.CONFIRM
    template_name = "newsletter/confirm.html"

    def subscriber(self, token):
        """Not a reader who unsubscribed since: an old confirmation link (kept by a mail scanner,
        in a forwarded message) would subscribe them again. Asking again on the form sends one."""
        found = super().subscriber(token)
        if found is None or found.status == Subscriber.Status.UNSUBSCRIBED:
            return None
        return found

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return self.invalid(request)
        subscriber.confirm()
        return TemplateResponse(request, self.template_name, {"subscriber": subscriber, "done": True})


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TokenView):
    """One click, as RFC 8058 asks: a mail provider POSTs ``List-Unsubscribe=One-Click`` with
    neither cookie nor CSRF token; the signed token is the protection."""

    purpose = tokens.UNSUBSCRIBE
    template_name = "newsletter/unsubscribe.html"

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return self.invalid(request)
        subscriber.unsubscribe()
        return TemplateResponse(request, self.template_name, {"subscriber": subscriber, "done": True})


class PreferencesView(TokenView):
    purpose = tokens.PREFERENCES
    template_name = "newsletter/preferences.html"

    def get(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return self.invalid(request)
        form = PreferencesForm(initial={"tags": subscriber.tags.all(), "language": subscriber.language})
        return self.page(request, token, subscriber, form)

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if subscriber is None:
            return self.invalid(request)
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return self.page(request, token, subscriber, form, status=400)
        subscriber.language = form.cleaned_data["language"]
        subscriber.save(update_fields=["language"])
        subscriber.tags.set(form.cleaned_data["tags"])
        return self.page(request, token, subscriber, form, saved=True)

    def page(self, request, token, subscriber, form, saved=False, status=200):
        unsubscribe = tokens.make(subscriber, tokens.UNSUBSCRIBE)
        context = {"subscriber": subscriber, "form": form, "saved": saved, "unsubscribe_token": unsubscribe}
        return TemplateResponse(request, self.template_name, context, status=status)
