"""The reference lists anyone reads: communities with their grids, and the skill catalogue."""

import json

import pytest

from jobmatch.communities.models import Community, Grid
from jobmatch.extensions import db
from tests.factories import make_skill


def test_communities_are_a_json_array_with_their_grids_and_party_branches(client):
    community = Community(name="万家乐移民新区", lat=40.433, lon=114.115)
    community.grids = [
        Grid(name="第一网格", party_branch="第一网格党支部", lat=40.43, lon=114.11),
        Grid(name="第二网格", lat=40.44, lon=114.12),
    ]
    db.session.add(community)
    db.session.commit()
    response = client.get("/api/communities")
    assert response.status_code == 200
    assert response.json == [
        {
            "id": community.id,
            "name": "万家乐移民新区",
            "lat": 40.433,
            "lon": 114.115,
            "grids": [
                {
                    "id": community.grids[0].id,
                    "name": "第一网格",
                    "party_branch": "第一网格党支部",
                    "lat": 40.43,
                    "lon": 114.11,
                },
                {
                    "id": community.grids[1].id,
                    "name": "第二网格",
                    "party_branch": None,
                    "lat": 40.44,
                    "lon": 114.12,
                },
            ],
        }
    ]


def test_one_default_page_holds_every_community_of_a_county(client):
    db.session.add_all(Community(name=f"社区{n:02d}", lat=40.4, lon=114.1) for n in range(40))
    db.session.commit()
    response = client.get("/api/communities")
    assert [c["name"] for c in response.json] == [f"社区{n:02d}" for n in range(40)]
    assert json.loads(response.headers["X-Pagination"])["total"] == 40


def test_the_skill_catalogue_lists_codes_names_and_occupations_by_code(client):
    make_skill("sewing", "缝纫", occupation_code="6-05-01-03")
    make_skill("packing", "包装", occupation_code="6-31-05-00")
    response = client.get("/api/skills")
    assert response.status_code == 200
    assert [(s["code"], s["name"], s["occupation_code"]) for s in response.json] == [
        ("packing", "包装", "6-31-05-00"),
        ("sewing", "缝纫", "6-05-01-03"),
    ]


@pytest.mark.parametrize("path", ["/api/communities", "/api/skills"])
@pytest.mark.parametrize("query", ["page_size=0", "page_size=101", "page=0"])
def test_an_invalid_page_is_a_422(client, path, query):
    assert client.get(f"{path}?{query}").status_code == 422


def test_the_services_list_skills_by_code_and_communities_by_id(app):
    from jobmatch.catalogue.service import list_skills
    from jobmatch.communities.service import list_communities
    from tests.factories import make_community

    make_skill("sewing", "缝纫")
    make_skill("packing", "包装")
    first, second = make_community(), make_community()
    skills, total = list_skills()
    assert ([skill.code for skill in skills], total) == (["packing", "sewing"], 2)
    skills, total = list_skills(page=2, page_size=1)
    assert ([skill.code for skill in skills], total) == (["sewing"], 2)
    assert list_communities() == ([first, second], 2)
    assert list_communities(page=1, page_size=1) == ([first], 2)
