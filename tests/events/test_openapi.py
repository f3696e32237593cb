"""The OpenAPI document describes each event type's data with the catalog's schema (every event the action tests
see is also validated against the document: tests/events/conftest.py)."""
from __future__ import annotations

from portal.event_types import EVENT_TYPES


def _document(app) -> dict:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_catalog_type_has_its_data_schema_in_the_document(app):
    doc = _document(app)
    data = doc["components"]["schemas"]["EventOut"]["properties"]["data"]
    mapping = data["x-data-schemas"]
    assert set(mapping) == set(EVENT_TYPES)
    for type_, ref in mapping.items():
        component = doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
        assert set(component["properties"]) == set(EVENT_TYPES[type_].schema().fields), type_
        assert component["additionalProperties"] is False  # nothing undocumented (no free text) slips in
