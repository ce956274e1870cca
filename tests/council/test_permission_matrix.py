"""Who may open and post every council page that changes something.

Every council view is either registered with ``@permission_for`` and has rows in MATRIX, or is a
read view in READ_VIEWS that filters what it shows itself; a new view that is neither fails here.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from retning.actors.models import Organisation
from retning.council import services
from retning.council.models import Body, Case, Membership
from retning.editing.registry import registration_of

from .conftest import Plan

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain", "reporter", "member", "secretariat")
LOGIN = "login"

# fmt: off
MATRIX: dict[tuple[str, str], tuple[int | str, ...]] = {
    #                                   anonymous plain reporter member secretariat
    ("case_propose", "GET"):           (LOGIN,   403,  200,     403,   200),
    ("case_triage", "GET"):            (LOGIN,   403,  403,     403,   200),
    ("case_triage", "POST"):           (LOGIN,   403,  403,     403,   302),
    ("decision_create", "GET"):        (LOGIN,   403,  403,     403,   200),
    ("attachment_upload", "GET"):      (LOGIN,   403,  200,     403,   200),
    ("meeting_create", "GET"):         (LOGIN,   403,  403,     403,   200),
    ("meeting_convene", "POST"):       (LOGIN,   403,  403,     403,   302),
    ("meeting_convene", "GET"):        (LOGIN,   403,  403,     403,   405),
    ("meeting_hold", "POST"):          (LOGIN,   403,  403,     403,   302),
    ("minutes_edit", "GET"):           (LOGIN,   403,  403,     403,   200),
    ("minutes_approve", "GET"):        (LOGIN,   403,  403,     403,   200),
    ("follow_up_create", "GET"):       (LOGIN,   403,  403,     403,   200),
    ("follow_up_status", "POST"):      (LOGIN,   403,  403,     403,   302),
    ("follow_up_list", "GET"):         (LOGIN,   403,  403,     200,   200),
    ("my_calendar", "GET"):            (LOGIN,   403,  403,     200,   200),
}
# fmt: on

READ_VIEWS = {
    "body_list",
    "body_detail",
    "meeting_list",
    "meeting_detail",
    "notice_html",
    "notice_pdf",
    "minutes_html",
    "minutes_pdf",
    "case_detail",
    "attachment_download",
    "plan_history",
    "plan_diff",
    "plan_version",
    "annual_cycle",
    "annual_cycle_current",
    "body_calendar",
    "personal_calendar",
}


@dataclass
class Scene:
    kwargs: dict[str, dict[str, Any]]
    people: dict[str, Any]


@pytest.fixture
def scene(nuit: Body, plan: Plan, django_user_model: Any) -> Scene:
    make = django_user_model.objects.create_user
    reporter = make(username="rapportor", password="x" * 16)
    organisation = Organisation.objects.order_by("name").first()
    reporter.reporter_for.add(organisation)
    member = make(username="medlem", password="x" * 16)
    Membership.objects.create(body=nuit, user=member, person_name="Medlem")
    people = {
        "anonymous": None,
        "plain": make(username="vanlig", password="x" * 16),
        "reporter": reporter,
        "member": member,
        "secretariat": make(username="sekretar", password="x" * 16, is_secretariat=True),
    }
    proposal = services.case_propose(
        body=nuit, title="Forslag", case_type=Case.Type.DISCUSSION, proposed_by=reporter
    )
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 9, 1), place="Oslo")
    held = services.meeting_create(body=nuit, date=datetime.date(2026, 4, 1), place="Oslo")
    decided = services.case_schedule(
        case=services.case_propose(body=nuit, title="Behandlet", case_type="briefing"), meeting=held
    )
    services.meeting_convene(meeting=held)
    services.meeting_hold(meeting=held)
    decision = services.decision_record(case=decided, text="Tatt til orientering.")
    action = services.follow_up_create(
        decision=decision, description="Følg opp", owner_person="Kari"
    )
    triage_post = {
        "action": "save",
        "title": "Forslag",
        "case_type": "discussion",
        "version": proposal.version,
    }
    return Scene(
        kwargs={
            "case_propose": {},
            "case_triage": {"pk": proposal.pk, "_post": triage_post},
            "decision_create": {"pk": decided.pk},
            "attachment_upload": {"pk": proposal.pk},
            "meeting_create": {"short_name": "NUIT"},
            "meeting_convene": {"pk": meeting.pk},
            "meeting_hold": {"pk": held.pk},
            "minutes_edit": {"pk": held.pk},
            "minutes_approve": {"pk": held.pk},
            "follow_up_create": {"pk": decision.pk},
            "follow_up_status": {
                "pk": action.pk,
                "_post": {"done": "1", "version": action.version},
            },
            "follow_up_list": {},
            "my_calendar": {},
        },
        people=people,
    )


def _council_patterns() -> list[URLPattern]:
    resolver = get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            if getattr(inner, "namespace", None) == "council":
                found.extend(p for p in inner.url_patterns if isinstance(p, URLPattern))
    return found


def test_every_council_view_is_either_guarded_or_a_filtered_read_view() -> None:
    patterns = _council_patterns()
    assert patterns
    guarded = {p.name for p in patterns if registration_of(p.callback) is not None}
    unguarded = {p.name for p in patterns} - guarded
    assert guarded == {name for name, _method in MATRIX}
    assert unguarded == READ_VIEWS


@pytest.mark.parametrize(("view", "method"), sorted(MATRIX))
def test_permission_matrix(scene: Scene, view: str, method: str) -> None:
    kwargs = dict(scene.kwargs[view])
    post_data = kwargs.pop("_post", {})
    url = reverse(f"council:{view}", kwargs=kwargs)
    for role, expected in zip(ROLES, MATRIX[(view, method)], strict=True):
        client = Client()
        if scene.people[role] is not None:
            client.force_login(scene.people[role])
        response = client.post(url, post_data) if method == "POST" else client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302 and "/konto/" in response["Location"], role
        else:
            assert response.status_code == expected, (role, response.status_code)
