"""Council model reads: meetings, cases, decisions and plan versions that are public.

The API is anonymous, so it shows what the public site shows to a visitor who is not signed in:
exempt cases (unntatt offentlighet) and their decisions are left out everywhere.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Schema

from retning.council.models import Case, Decision, Meeting, PlanChange, PlanVersion

from .problems import NOT_FOUND, ApiProblem, Text
from .read import MANY, MAX_ID, ONE, _page, router
from .schemas import Page, PageParams

TAGS = ["Rådsmodellen"]


class CouncilCaseOut(Schema):
    id: int
    label: str = Field(description="Saksnummer, f.eks. «Sak 15/26», eller «Sak uten nummer».")
    title: str
    body: str = Field(description="Kortnavn på rådet eller utvalget.")
    case_type: str
    status: str
    meeting_id: int | None
    background: str
    requested_action: str
    proposed_resolution: str
    decision: str | None = Field(description="Vedtaksteksten, når saken er behandlet.")
    url: str


class CouncilMeetingOut(Schema):
    id: int
    label: str
    body: str
    date: str
    place: str
    video_link: str
    status: str
    cases: list[CouncilCaseOut]
    url: str


class PlanChangeOut(Schema):
    kind: str
    model: str
    object_id: int | None
    field_name: str
    old_value: Any = None
    new_value: Any = None
    case_id: int | None = Field(description="Saken som vedtok endringen (null om den er unntatt).")
    decision: str | None


class PlanVersionOut(Schema):
    id: int
    label: str
    kind: str
    created_at: str
    meeting_id: int | None
    roadmap_version: str | None
    changes: list[PlanChangeOut]


def _public_cases() -> Any:
    return (
        Case.objects.filter(is_exempt=False)
        .exclude(status=Case.Status.PROPOSED)
        .select_related("body", "decision")
        .order_by("body__short_name", "year", "number", "pk")
    )


def _absent(what: str, identifier: object) -> ApiProblem:
    return ApiProblem(
        NOT_FOUND,
        Text(f"{what} {{id}} finnes ikke eller er ikke offentlig.", "{id} does not exist."),
        {"id": str(identifier)[:100]},
    )


def _case_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    decision = getattr(case, "decision", None) if case.status == Case.Status.DECIDED else None
    return {
        "id": case.pk,
        "label": case.label,
        "title": case.title,
        "body": case.body.short_name,
        "case_type": case.case_type,
        "status": case.status,
        "meeting_id": case.meeting_id,
        "background": case.background,
        "requested_action": case.requested_action,
        "proposed_resolution": case.proposed_resolution,
        "decision": decision.text if decision else None,
        "url": request.build_absolute_uri(reverse("council:case_detail", args=[case.pk])),
    }


def _meeting_out(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    cases = [c for c in _public_cases().filter(meeting=meeting)]
    return {
        "id": meeting.pk,
        "label": meeting.label,
        "body": meeting.body.short_name,
        "date": meeting.date.isoformat(),
        "place": meeting.place,
        "video_link": meeting.video_link,
        "status": meeting.status,
        "cases": [_case_out(request, c) for c in cases],
        "url": request.build_absolute_uri(reverse("council:meeting_detail", args=[meeting.pk])),
    }


def _version_out(version: PlanVersion) -> dict[str, Any]:
    changes = PlanChange.objects.filter(applied_in=version).select_related(
        "content_type", "decision__case"
    )
    return {
        "id": version.pk,
        "label": version.label,
        "kind": version.kind,
        "created_at": version.created_at.isoformat(),
        "meeting_id": version.meeting_id,
        "roadmap_version": version.roadmap_version.label if version.roadmap_version else None,
        "changes": [
            {
                "kind": c.kind,
                "model": c.content_type.model,
                "object_id": c.object_id,
                "field_name": c.field_name,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "case_id": None if c.decision.case.is_exempt else c.decision.case_id,
                "decision": None if c.decision.case.is_exempt else c.decision.text,
            }
            for c in changes.order_by("decision__case__number", "order", "pk")
        ],
    }


@router.get(
    "/council/meetings",
    response={200: Page[CouncilMeetingOut], **MANY},
    operation_id="listCouncilMeetings",
    tags=TAGS,
    summary="Møter i rådsmodellen",
)
def list_meetings(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Alle møter, nyeste først, med de offentlige sakene på sakslisten."""
    meetings = Meeting.objects.select_related("body").order_by("-date", "pk")
    return _page(request, response, meetings, page, lambda m: _meeting_out(request, m))


@router.get(
    "/council/meetings/{meeting_id}",
    response={200: CouncilMeetingOut, **ONE},
    operation_id="getCouncilMeeting",
    tags=TAGS,
    summary="Ett møte",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """Ett møte med de offentlige sakene på sakslisten."""
    meeting = Meeting.objects.select_related("body").filter(pk=min(meeting_id, MAX_ID)).first()
    if meeting is None:
        raise _absent("Møtet", meeting_id)
    return _meeting_out(request, meeting)


@router.get(
    "/council/cases",
    response={200: Page[CouncilCaseOut], **MANY},
    operation_id="listCouncilCases",
    tags=TAGS,
    summary="Offentlige saker",
)
def list_cases(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Saker som er satt på en saksliste, uten saker som er unntatt offentlighet."""
    return _page(request, response, _public_cases(), page, lambda c: _case_out(request, c))


@router.get(
    "/council/cases/{case_id}",
    response={200: CouncilCaseOut, **ONE},
    operation_id="getCouncilCase",
    tags=TAGS,
    summary="Én offentlig sak",
)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Én sak som er satt på en saksliste og ikke er unntatt offentlighet."""
    case = _public_cases().filter(pk=min(case_id, MAX_ID)).first()
    if case is None:
        raise _absent("Saken", case_id)
    return _case_out(request, case)


@router.get(
    "/council/decisions",
    response={200: Page[CouncilCaseOut], **MANY},
    operation_id="listCouncilDecisions",
    tags=TAGS,
    summary="Vedtak i offentlige saker",
)
def list_decisions(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Behandlede saker med vedtaksteksten, uten saker som er unntatt offentlighet."""
    decided = _public_cases().filter(
        status=Case.Status.DECIDED, pk__in=Decision.objects.values("case_id")
    )
    return _page(request, response, decided, page, lambda c: _case_out(request, c))


@router.get(
    "/council/plan-versions",
    response={200: Page[PlanVersionOut], **MANY},
    operation_id="listPlanVersions",
    tags=TAGS,
    summary="Versjoner av planen for realisering",
)
def list_plan_versions(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Hver planversjon med endringene den innførte; vedtak i unntatte saker vises uten tekst."""
    versions = PlanVersion.objects.select_related("roadmap_version").order_by("-pk")
    return _page(request, response, versions, page, _version_out)
