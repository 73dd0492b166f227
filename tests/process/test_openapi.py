"""The API's OpenAPI document, as the server serves it, is a valid OpenAPI 3.1 document (openapi-spec-validator
from PyPI checks it against the 3.1 schema), and the readable page that renders it is served beside it.

The comparison of its routes with the server's registered ones is `Tests/APITests/OpenAPIDocumentTests.swift`.
"""

from __future__ import annotations

import requests
from openapi_spec_validator import OpenAPIV31SpecValidator, validate


def test_the_served_document_is_valid_openapi_3_1(server_factory):
    server = server_factory.start()
    response = requests.get(server.base_url + "/openapi.json", timeout=10)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    operations = [method for item in document["paths"].values() for method in item
                  if method in {"get", "put", "post", "patch", "delete"}]
    assert len(operations) > 40, len(operations)
    page = requests.get(server.base_url + "/docs/", timeout=10)
    assert page.status_code == 200 and "docs.js" in page.text
