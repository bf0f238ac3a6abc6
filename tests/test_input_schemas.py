"""Every request schema shares one base: unknown fields refused with one message, ids bounded."""

import pytest
from marshmallow import Schema

from jobmatch.database import MAX_ID
from jobmatch.schemas import UNKNOWN_FIELD, InputSchema
from tests.factories import auth_headers, make_quick_user


def _argument_schemas(app) -> dict[str, type[Schema]]:
    """Each schema an API operation loads its input with, by operation."""
    found = {}
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        for method in ("get", "post", "put", "patch", "delete"):
            function = getattr(view_class, method, None)
            for parameter in (
                getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            ):
                schema = parameter["schema"]
                found[f"{method.upper()} {endpoint}"] = (
                    schema if isinstance(schema, type) else type(schema)
                )
    return found


def test_every_input_schema_derives_from_the_one_base(app):
    schemas = _argument_schemas(app)
    assert len(schemas) > 30
    outsiders = {
        name: cls.__name__ for name, cls in schemas.items() if not issubclass(cls, InputSchema)
    }
    assert outsiders == {}


# A JSON body per feature whose schemas used to carry their own "unknown field" wording.
UNKNOWN_IN_BODIES = [
    ("/api/programs", {"code": "knot", "name": "中国结", "hours": 40, "colour": "red"}),
    ("/api/residents", {"name": "张三", "favourite": "tea"}),
    ("/api/firms", {"name": "某公司", "phone": "13800000000"}),
    ("/api/matching/allocate", {"post_ids": [1], "colour": "red"}),
]


@pytest.mark.parametrize(("url", "body"), UNKNOWN_IN_BODIES)
def test_an_unknown_field_has_the_one_message(client, app, url, body):
    headers = auth_headers(make_quick_user("admin"))
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    unknown = [name for name in body if name in response.json["errors"]]
    assert unknown, response.json
    for name in unknown:
        assert response.json["errors"][name] == [UNKNOWN_FIELD]


# Bodies naming a row by an id far past any key: a 422, never an overflow in the driver.
HUGE_IDS = [2**63, 2**64, 1e30, MAX_ID + 1]
ID_BODIES = [
    ("/api/cohorts", "community_id", {"program_code": "knot", "name": "一期", "mode": "classroom",
                                      "starts_on": "2026-05-01", "ends_on": "2026-05-20",
                                      "capacity": 20}),
    ("/api/cohorts", "firm_id", {"program_code": "knot", "name": "一期", "mode": "on_the_job",
                                 "starts_on": "2026-05-01", "ends_on": "2026-05-20",
                                 "capacity": 20}),
    ("/api/cohorts/1/enrollments", "resident_id", {}),
    ("/api/residents", "community_id", {"name": "张三"}),
    ("/api/applications", "resident_id", {"post_id": 1}),
    ("/api/orders", "firm_id", {"product": "knot", "quantity": 10, "unit_rate": 1}),
]  # fmt: skip


@pytest.mark.parametrize("huge", HUGE_IDS, ids=str)
@pytest.mark.parametrize(("url", "field", "body"), ID_BODIES)
def test_an_id_past_any_key_is_a_422(client, app, url, field, body, huge):
    headers = auth_headers(make_quick_user("admin"))
    response = client.post(url, json={**body, field: huge}, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.json["errors"], response.json
