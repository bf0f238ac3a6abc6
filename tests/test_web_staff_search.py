"""Resident search at the staff desk: any part of the name, paged and fully counted."""

import pytest

from tests.factories import make_resident
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def test_the_referral_search_is_paged_and_counts_every_resident_found(client, staff_user):
    for number in range(23):
        make_resident(name=f"孙秀{number:02d}")
    first = client.get("/staff/refer", query_string={"q": "秀"}).get_data(as_text=True)
    assert "找到 23 位居民（第 1–20 位）" in first
    second = client.get("/staff/refer", query_string={"q": "秀", "page": 2}).get_data(as_text=True)
    assert second.count('class="card" data-resident-id=') == 3


def test_registering_a_known_id_number_links_to_the_existing_record(client, staff_user):
    known = make_resident(name="周玉梅")
    page = post_form(
        client,
        "/staff/residents/new",
        {"name": "周玉梅", "id_number": known.id_number, "phone": "13812345678",
         "education": "junior_high", "shift_preference": "any"},
    ).get_data(as_text=True)  # fmt: skip
    assert "该身份证号码已登记" in page
    assert f'href="/staff/refer?resident_id={known.id}"' in page


@pytest.mark.parametrize("path", ["/staff/refer?q=王&page={}", "/?page={}"])
def test_a_page_number_no_database_can_reach_is_refused_not_a_server_error(client, path):
    signed_in(client, "staff")
    response = client.get(path.format(10**30))
    assert response.status_code < 500
