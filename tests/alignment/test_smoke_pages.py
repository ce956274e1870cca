"""Every alignment page renders for the secretariat, with the dataset and a registered plan."""

import pytest

from .conftest import DIRECT, Orgs, People, client_for, make_plan


@pytest.mark.parametrize(
    "url",
    [
        "/samsvar/",
        "/samsvar/uten-nasjonalt-initiativ/",
        "/samsvar/gap/",
        "/samsvar/folges-med/",
        "/samsvar/folges-med/ny/",
        "/samsvar/dokumenter/ny/",
        "/samsvar/aktorer/helse-vest-rhf/ny-plan/",
        "/temaer/digital-sikkerhet/",
        "/aktorer/helse-vest-rhf/",
        "/samsvar/arsrapport/",
        "/samsvar/arsrapport/2026/",
        "/samsvar/temaer/digital-sikkerhet/logg/ny/",
    ],
)
def test_page_renders(url: str, people: People, orgs: Orgs) -> None:
    plan, item = make_plan(orgs.own, ("1A", DIRECT))
    response = client_for(people.secretariat).get(url)
    assert response.status_code == 200, response.content[:2000]
