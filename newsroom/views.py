"""The project's own views, outside any app: robots.txt, the health check, the 500 handler."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def server_error(request):
    """The 500 handler: a database that does not answer is an outage, not a bug.

    Readers get a short maintenance page with 503 and Retry-After, never a stack
    trace; Django has already logged the exception. Anything else is a plain 500.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        response = defaults.server_error(request, template_name="503.html")
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return defaults.server_error(request)


@require_GET
def robots_txt(request):
    """Crawlers are welcome everywhere but the admin, and told where the sitemaps are."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/admin/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
