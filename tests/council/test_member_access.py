"""Council members read the exempt papers of their own bodies, during their term, and nobody else's."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from retning.accounts.models import User
from retning.council.models import Body, Membership
from retning.council.services import case_propose


@pytest.fixture
def bodies(seeded: None) -> tuple[Body, Body]:
    from retning.council.services import body_create_defaults

    body_create_defaults()
    return Body.objects.get(short_name="NUIT"), Body.objects.get(short_name="NUFA")


def make_user(name: str, **roles: bool) -> User:
    return User.objects.create_user(username=name, password="x" * 16, **roles)


def test_exempt_papers_are_for_members_of_that_body_and_the_secretariat(
    bodies: tuple[Body, Body],
) -> None:
    nuit, nufa = bodies
    exempt = case_propose(
        body=nuit,
        title="Sikkerhetshendelse",
        case_type="briefing",
        is_exempt=True,
        exemption_basis="offentleglova § 24 tredje ledd",
    )
    public = case_propose(body=nuit, title="Veikartet", case_type="briefing")
    member = make_user("medlem")
    Membership.objects.create(body=nuit, user=member, person_name="Medlem")
    other_body = make_user("annet-utvalg")
    Membership.objects.create(body=nufa, user=other_body, person_name="Annet")
    former = make_user("tidligere")
    Membership.objects.create(
        body=nuit,
        user=former,
        person_name="Tidligere",
        term_end=timezone.localdate() - timedelta(days=1),
    )
    secretariat = make_user("sekretariat", is_secretariat=True)

    assert member.has_perm("council.view_case", exempt)
    assert secretariat.has_perm("council.view_case", exempt)
    assert not other_body.has_perm("council.view_case", exempt)
    assert not former.has_perm("council.view_case", exempt)
    assert not AnonymousUser().has_perm("council.view_case", exempt)
    assert AnonymousUser().has_perm("council.view_case", public)
