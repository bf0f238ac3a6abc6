"""Paging of every list endpoint: one helper, database.paginate, behind all of them."""

import json

import pytest

from tests.factories import auth_headers, make_cohort, make_order, make_quick_user

# Every paginated list of the API; {order} and {cohort} are filled with real rows.
LIST_ENDPOINTS = (
    "/api/applications",
    "/api/audit",
    "/api/cohorts",
    "/api/cohorts/{cohort}/enrollments",
    "/api/communities",
    "/api/employment/follow-ups/due",
    "/api/employment/spells",
    "/api/firms",
    "/api/jobs",
    "/api/notifications",
    "/api/orders",
    "/api/orders/{order}/deliveries",
    "/api/orders/{order}/earnings",
    "/api/orders/{order}/materials",
    "/api/posts",
    "/api/programs",
    "/api/residents",
    "/api/skills",
    "/api/users",
)
LARGEST_PAGE = 2**63 - 1


@pytest.fixture
def lists(app):
    """An admin's headers and the list URLs, with an order and a cohort to nest under."""
    headers = auth_headers(make_quick_user("admin"))
    ids = {"order": make_order().id, "cohort": make_cohort().id}
    return headers, {url: url.format(**ids) for url in LIST_ENDPOINTS}


def test_every_paginated_route_is_listed(client):
    """A new paginated list joins LIST_ENDPOINTS, so that the checks below cover it."""
    spec = client.get("/api/openapi.json").get_json()
    paginated = {
        path.replace("{order_id}", "{order}").replace("{cohort_id}", "{cohort}")
        for path, operations in spec["paths"].items()
        if any(p.get("name") == "page" for p in operations.get("get", {}).get("parameters", []))
    }
    assert paginated == set(LIST_ENDPOINTS)


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
@pytest.mark.parametrize("page", [LARGEST_PAGE, 2**62 + 1, 10**30])
def test_a_page_no_database_can_offset_to_is_a_422(client, lists, endpoint, page):
    headers, urls = lists
    response = client.get(urls[endpoint], query_string={"page": page}, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == 422
    assert "page" in json.dumps(body["errors"])


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_a_page_past_the_last_is_empty(client, lists, endpoint):
    headers, urls = lists
    response = client.get(
        urls[endpoint], query_string={"page": 10**6, "page_size": 1}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == []
    assert "total" in json.loads(response.headers["X-Pagination"])


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_the_first_page_carries_the_pagination_header(client, lists, endpoint):
    headers, urls = lists
    response = client.get(urls[endpoint], query_string={"page_size": 1}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == pagination.get("total") >= 0
    assert len(response.get_json()) == min(1, pagination["total"])
