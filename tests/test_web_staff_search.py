"""Resident search at the staff desk: any part of the name, the ID number or the mobile, paged
and fully counted."""

import pytest

from tests.factories import make_cohort, make_resident
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


def test_the_desk_finds_a_resident_by_mobile_and_shows_the_numbers_as_before(client, staff_user):
    wanted = make_resident(name="周玉梅", phone="13800138000")
    make_resident(name="周玉兰", phone="13800138001")
    refer = client.get("/staff/refer", query_string={"q": "138-0013-8000"}).get_data(as_text=True)
    assert "或手机号查找" in refer  # the search box says a mobile number is sought too
    assert "找到 1 位居民" in refer and "周玉兰" not in refer
    card = refer.split(f'data-resident-id="{wanted.id}"')[1].split("</article>")[0]
    assert "周玉梅" in card and "13800138000" in card  # staff see the phone here, as before

    # The enrolment page posts the number and lists ID numbers masked, phones not at all.
    path = f"/staff/cohorts/{make_cohort().id}/enrol"
    assert "或手机号" in client.get(path).get_data(as_text=True)
    page = post_form(client, path, {"search": "1", "q": "+86 138 0013 8000"}).get_data(as_text=True)
    assert "找到 1 位居民" in page and "周玉兰" not in page
    row = page.split(f'<tr data-resident-id="{wanted.id}">')[1].split("</tr>")[0]
    assert "周玉梅" in row and "13800138000" not in row
    assert wanted.id_number not in row and wanted.id_number[:6] in row
