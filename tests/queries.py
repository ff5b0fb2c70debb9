"""Counting the database queries a page costs, as the query-count tests do."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, data=None):
    """GET url (it must answer 200) and return how many queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)
