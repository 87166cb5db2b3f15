"""Checking responses against the generated OpenAPI schema: status documented, body matching its schema.

The schema is OpenAPI 3.0; its schemas become JSON Schema by turning `nullable` into a null type. Every
request the API tests make through `SchemaCheckingClient` is checked, so the schema cannot drift from
what the endpoints really answer.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient


@functools.cache
def openapi() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _components() -> dict[str, Any]:
    return _json_schema(openapi()["components"])


@functools.cache
def _operations() -> list[tuple[re.Pattern, str, dict[str, Any]]]:
    found = []
    for path, item in openapi()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            found.append((pattern, method, operation))
    return found


def operation_for(method: str, path: str) -> dict[str, Any] | None:
    for pattern, documented_method, operation in _operations():
        if documented_method == method.lower() and pattern.match(path):
            return operation
    return None


def operations_of(path: str) -> dict[str, dict[str, Any]]:
    """{method: operation} of the documented path matching this one."""
    return {method: operation for pattern, method, operation in _operations() if pattern.match(path)}


def assert_conforms(response) -> None:
    """The response's status is documented for its operation, and its body matches the schema.

    A 405 is the answer to a method the path does not document: it is held to the 405 its documented
    operations describe, and its Allow header to the methods they are documented for.
    """
    method, path = response.request["REQUEST_METHOD"], response.request["PATH_INFO"]
    operation = operation_for(method, path)
    if operation is None and response.status_code == 405 and (documented := operations_of(path)):
        allowed = {m.strip() for m in response["Allow"].split(",")}
        assert (
            {m.upper() for m in documented}
            <= allowed
            <= {m.upper() for m in documented}
            | {
                "HEAD",
                "OPTIONS",
            }
        ), f"{path}: Allow {sorted(allowed)} is not the documented {sorted(documented)}"
        operation = next(iter(documented.values()))
    if operation is None:
        return  # not an operation of the schema (an unknown path or method): nothing to hold it to
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {path} answered {response.status_code}, not documented"
    content = documented.get("content", {})
    if not content:
        assert not getattr(response, "content", b""), f"{method} {path}: a body where none is documented"
        return
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in content, f"{method} {path}: {media_type} is not among {sorted(content)}"
    if media_type != "application/json":
        return
    schema = {**_json_schema(content[media_type]["schema"]), "components": _components()}
    errors = sorted(
        Draft202012Validator(schema).iter_errors(json.loads(response.content)), key=lambda e: list(e.path)
    )
    assert not errors, f"{method} {path} {response.status_code}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )


class SchemaCheckingClient(APIClient):
    """An APIClient that holds every response to the schema (turn off with `check_schema = False`)."""

    check_schema = True

    def request(self, **kwargs):
        response = super().request(**kwargs)
        if self.check_schema:
            assert_conforms(response)
        return response
