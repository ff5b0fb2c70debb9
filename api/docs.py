"""The API's documentation page, made from its OpenAPI document: each operation with its
parameters, its answers and a curl command to try, on real content.

Swagger UI and Redoc load scripts from a CDN and run inline ones, which the site's
Content-Security-Policy refuses and an offline machine cannot fetch: this page is plain HTML.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from articles.models import Article, Tag

from .endpoints import api


def documentation(request):
    schema = api.get_openapi_schema()
    example = {
        "permalink": Article.objects.published().values_list("permalink", flat=True).first() or "PERMALINK",
        "tag": Tag.objects.public().values_list("slug", flat=True).first() or "TAG",
    }
    return TemplateResponse(
        request,
        "api/docs.html",
        {
            "operations": operations(request, schema, example),
            "schema_url": request.build_absolute_uri(reverse("api:openapi-json")),
            "schema_path": reverse("api:openapi-json"),
            "title": schema["info"]["title"],
        },
    )


def operations(request, schema, example):
    """Each operation of ``schema``: method, path, summary, description, parameters, answers, curl."""
    found = []
    for address, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            path_values = {
                p["name"]: example.get(p["name"], p["name"]) for p in parameters if p["in"] == "path"
            }
            query = "&".join(
                f"{name}={example[name]}" for name in ("tag",) if any(p["name"] == name for p in parameters)
            )
            url = request.build_absolute_uri(address.format(**path_values)) + (f"?{query}" if query else "")
            found.append(
                {
                    "method": method.upper(),
                    "path": address,
                    "summary": gettext(operation.get("summary", "")),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_of(p.get("schema", {})),
                            "description": p.get("description") or p.get("schema", {}).get("description", ""),
                        }
                        for p in parameters
                    ],
                    "responses": [
                        {"status": status, "schema": schema_name(answer)}
                        for status, answer in operation.get("responses", {}).items()
                    ],
                    "curl": f"curl -i '{url}'",
                }
            )
    return found


def type_of(schema):
    if "anyOf" in schema:
        return " | ".join(type_of(option) for option in schema["anyOf"] if option.get("type") != "null")
    return schema.get("type", "")


def schema_name(answer):
    reference = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return reference.rsplit("/", 1)[-1]
