"""The API's answers checked against its own OpenAPI document, as a client generated from it reads
them: status, content type and every field (openapi-core)."""

import json
from functools import cache

from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse


@cache
def document():
    """The document as /api/v1/openapi.json serves it (as JSON: its status codes are strings)."""
    from api.endpoints import api

    return json.loads(json.dumps(api.get_openapi_schema()))


@cache
def checker():
    return OpenAPI.from_dict(document())


def valid(response):
    """``response`` (from the test client), once openapi-core found it as the document says; its JSON."""
    checker().validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
    return response.json() if response.content else None
