"""Project-wide error handling."""

import sys

from django.db import InterfaceError, OperationalError
from django.views import defaults


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
