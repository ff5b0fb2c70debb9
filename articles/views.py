from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from .models import Article, PermalinkRedirect, Tag


class PublishedArticleMixin:
    """What readers may see, with what a page of articles shows, in fixed queries."""

    def get_queryset(self):
        return Article.objects.published().with_card_data()


class ArticleListView(PublishedArticleMixin, ListView):
    paginate_by = 20


class TagArticleListView(ArticleListView):
    template_name = "articles/tag_article_list.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(PublishedArticleMixin, DetailView):
    slug_field = "permalink"
    slug_url_kwarg = "permalink"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("links")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the article had before its title, slug or date changed answers for good.
            redirect = (
                PermalinkRedirect.objects.filter(
                    old_permalink=kwargs["permalink"], article__in=Article.objects.published()
                )
                .select_related("article")
                .first()
            )
            if redirect is None:
                raise
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
