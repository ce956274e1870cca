"""Council pages. Reading is open where the record is public; every write view names its
permission once, in its ``@permission_for`` line, and calls one service."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retning.editing.registry import permission_for
from retning.editing.services import RecordGone, StaleVersion

from . import attachments, calendar, documents, selectors, services
from .annual import annual_cycle
from .forms import (
    MAX_ROWS,
    ROW_KINDS,
    AttachmentForm,
    CaseProposalForm,
    CaseTriageForm,
    ChangeRows,
    DecisionForm,
    FollowUpForm,
    MeetingForm,
    MinutesForm,
    ScheduleForm,
    decision_form_as_typed,
)
from .models import (
    Body,
    Case,
    CaseAttachment,
    Decision,
    EvidenceSnapshot,
    FollowUpAction,
    Meeting,
    Membership,
    PlanChange,
    PlanVersion,
)

# ---------------------------------------------------------------------------------------------
# Lookups


def body_by_short_name(short_name: str) -> Body:
    return get_object_or_404(Body, short_name__iexact=short_name)


def meeting_by_pk(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body"), pk=pk)


def case_by_pk(pk: int) -> Case:
    return get_object_or_404(Case.objects.select_related("body", "meeting"), pk=pk)


def decision_by_pk(pk: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("case__body", "meeting"), pk=pk)


def action_by_pk(pk: int) -> FollowUpAction:
    return get_object_or_404(FollowUpAction.objects.select_related("decision__case"), pk=pk)


def _readable_case(request: HttpRequest, pk: int) -> Case:
    """The case if the user may read it. Otherwise 404, so an exempt case's existence stays hidden."""
    case = case_by_pk(pk)
    if not request.user.has_perm("council.view_case", case):
        raise Http404
    if case.number is None and not _may_see_proposal(request.user, case):
        raise Http404  # a proposal is not public until it is put on an agenda
    return case


def _may_see_proposal(user: Any, case: Case) -> bool:
    if selectors.sees_all_cases(user):
        return True
    if not user.is_authenticated:
        return False
    if case.proposed_by_id == user.pk:
        return True
    return bool(
        case.proposing_organisation_id
        and user.reporter_for.filter(pk=case.proposing_organisation_id).exists()
    )


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Forside"), reverse("publishing:home")),
        (_("Rådsmodellen"), reverse("council:body_list")),
        *trail,
    ]


def _errors(form: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if not form.is_bound:
        return items
    for message in form.non_field_errors():
        items.append(("council-form", str(message)))
    for bound in form:
        for message in bound.errors:
            anchor = "council-form" if bound.is_hidden else str(bound.auto_id)
            items.append((anchor, f"{bound.label}: {message}"))
    return items


def _service_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _is_manager(user: Any) -> bool:
    return bool(user.has_perm("council.change_meeting"))


# ---------------------------------------------------------------------------------------------
# Bodies and meetings (public)


@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = Body.objects.prefetch_related(
        Prefetch(
            "meetings",
            queryset=Meeting.objects.filter(date__gte=timezone.localdate()).order_by("date"),
        )
    )
    return render(
        request,
        "council/body_list.html",
        {
            "bodies": bodies,
            "crumbs": [(_("Forside"), reverse("publishing:home")), (_("Rådsmodellen"), None)],
            "year": timezone.localdate().year,
        },
    )


@require_GET
def body_detail(request: HttpRequest, short_name: str) -> HttpResponse:
    body = body_by_short_name(short_name)
    members = body.members.select_related("organisation").order_by("role", "person_name")
    today = timezone.localdate()
    return render(
        request,
        "council/body_detail.html",
        {
            "body": body,
            "members": members,
            "today": today,
            "upcoming": body.meetings.filter(date__gte=today).order_by("date")[:5],
            "crumbs": _crumbs((body.name, None)),
        },
    )


@require_GET
def meeting_list(request: HttpRequest, short_name: str) -> HttpResponse:
    body = body_by_short_name(short_name)
    return render(
        request,
        "council/meeting_list.html",
        {
            "body": body,
            "meetings": body.meetings.order_by("-date"),
            "crumbs": _crumbs(
                (body.name, reverse("council:body_detail", args=[body.short_name])),
                (_("Møter"), None),
            ),
        },
    )


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    agenda = selectors.agenda_for(meeting, request.user)
    cases = [item for item in agenda if isinstance(item, Case)]
    snapshots = {
        s.case_id: s.data for s in EvidenceSnapshot.objects.filter(meeting=meeting, case__in=cases)
    }
    decisions = {
        d.case_id: d
        for d in Decision.objects.filter(case__in=cases).prefetch_related(
            "actions__owner_organisation", "changes__content_type"
        )
    }
    visible_attachments: dict[int, list[CaseAttachment]] = {}
    for attachment in CaseAttachment.objects.filter(case__in=cases):
        visible_attachments.setdefault(attachment.case_id, []).append(attachment)
    entries = [
        {
            "item": item,
            "is_case": isinstance(item, Case),
            "evidence": snapshots.get(item.pk) if isinstance(item, Case) else None,
            "decision": decisions.get(item.pk) if isinstance(item, Case) else None,
            "attachments": visible_attachments.get(item.pk, []) if isinstance(item, Case) else [],
        }
        for item in agenda
    ]
    return {
        "meeting": meeting,
        "body": meeting.body,
        "entries": entries,
        "attendance": meeting.attendance.select_related("membership__organisation"),
        "is_manager": _is_manager(request.user),
        "crumbs": _crumbs(
            (meeting.body.name, reverse("council:body_detail", args=[meeting.body.short_name])),
            (_("Møter"), reverse("council:meeting_list", args=[meeting.body.short_name])),
            (meeting.label, None),
        ),
    }


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_by_pk(pk)
    context = _meeting_context(request, meeting)
    if context["is_manager"]:
        context["proposals"] = Case.objects.filter(
            body=meeting.body, status=Case.Status.PROPOSED
        ).order_by("created_at")
    return render(request, "council/meeting_detail.html", context)


def _document(request: HttpRequest, pk: int, which: str, as_pdf: bool) -> HttpResponse:
    meeting = meeting_by_pk(pk)
    if which == "notice" and meeting.status == Meeting.Status.PLANNED:
        raise Http404  # there is no notice before it is sent
    if which == "minutes" and meeting.status != Meeting.Status.MINUTES_APPROVED:
        if not _is_manager(request.user):
            raise Http404  # draft minutes are for the secretariat
    context = _meeting_context(request, meeting)
    context["which"] = which
    title = (
        _("Innkalling til %(body)s %(label)s")
        if which == "notice"
        else _("Referat fra %(body)s %(label)s")
    ) % {"body": meeting.body.short_name, "label": meeting.label}
    context["title"] = title
    template = f"council/documents/{which}.html"
    if not as_pdf:
        return render(request, template, context)
    pdf = documents.render_pdf(template, context, title=title)
    response = HttpResponse(pdf, content_type="application/pdf")
    kind = "innkalling" if which == "notice" else "referat"
    name = f"{kind}-{meeting.body.short_name.lower()}-{meeting.number}-{meeting.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Members may see exempt papers: never let a shared cache keep them.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def notice_html(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "notice", as_pdf=False)


@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "notice", as_pdf=True)


@require_GET
def minutes_html(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "minutes", as_pdf=False)


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "minutes", as_pdf=True)


# ---------------------------------------------------------------------------------------------
# Cases


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _readable_case(request, pk)
    snapshot = (
        EvidenceSnapshot.objects.filter(case=case, meeting_id=case.meeting_id).first()
        if case.meeting_id
        else None
    )
    decision = (
        Decision.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related("changes__content_type", "changes__applied_in", "actions")
        .first()
    )
    user = request.user
    context = {
        "case": case,
        "snapshot": snapshot,
        "decision": decision,
        "attachments": case.attachments.all(),
        "goals": case.goals.order_by("number"),
        "subgoals": case.subgoals.order_by("code"),
        "indicators": case.indicators.order_by("code"),
        "initiatives": case.initiatives.order_by("external_id"),
        "may_triage": user.has_perm("council.change_case", case),
        "may_attach": user.has_perm("council.add_caseattachment", case),
        "may_decide": user.has_perm("council.add_decision", case)
        and case.status == Case.Status.SCHEDULED
        and case.meeting is not None
        and case.meeting.status == Meeting.Status.HELD,
        "crumbs": _crumbs(
            (case.body.name, reverse("council:body_detail", args=[case.body.short_name])),
            (case.label if case.number else case.title, None),
        ),
    }
    return render(request, "council/case_detail.html", context)


@permission_for("council.add_case")
def case_propose(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CaseProposalForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("attachment")
        try:
            from django.db import transaction

            with transaction.atomic():
                case = services.case_propose(
                    body=data["body"],
                    title=data["title"],
                    case_type=data["case_type"],
                    proposed_by=user,
                    organisation=data["organisation"],
                    background=data["background"],
                    requested_action=data["requested_action"],
                    goals=data["goals"],
                    subgoals=data["subgoals"],
                    indicators=data["indicators"],
                    initiatives=data["initiatives"],
                )
                if upload is not None:
                    _attach(case, upload, user)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Saken er meldt inn. Sekretariatet vurderer den."))
            return redirect("council:case_detail", case.pk)
    return render(
        request,
        "council/form.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": _("Meld inn sak"),
            "intro": _(
                "Saken meldes inn for virksomheten din. Sekretariatet vurderer den og setter den "
                "på sakslisten til et møte."
            ),
            "multipart": True,
            "submit_label": _("Meld inn saken"),
            "cancel_url": reverse("council:body_list"),
            "crumbs": _crumbs((_("Meld inn sak"), None)),
        },
    )


def _attach(case: Case, upload: Any, user: Any) -> CaseAttachment:
    limit = attachments.max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("Filen er for stor. Største tillatte størrelse er %(limit)s byte.") % {"limit": limit}
        )
    data = upload.read(limit + 1)
    return attachments.attachment_add(case=case, data=data, client_name=upload.name, user=user)


@permission_for("council.add_caseattachment", lookup=case_by_pk)
def attachment_upload(request: HttpRequest, case: Case) -> HttpResponse:
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _attach(case, form.cleaned_data["attachment"], request.user)
        except ValidationError as error:
            form.add_error("attachment", error.messages)
        else:
            messages.success(request, _("Vedlegget er lagt til."))
            return redirect("council:case_detail", case.pk)
    return render(
        request,
        "council/form.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": _("Legg ved dokument – %(case)s") % {"case": case.title},
            "multipart": True,
            "submit_label": _("Last opp"),
            "cancel_url": reverse("council:case_detail", args=[case.pk]),
            "crumbs": _crumbs(
                (case.title, reverse("council:case_detail", args=[case.pk])),
                (_("Vedlegg"), None),
            ),
        },
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case = _readable_case(request, pk)
    attachment = get_object_or_404(CaseAttachment, case=case, pk=attachment_pk)
    path = attachments.media_path(attachment.stored_name)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=attachments.CONTENT_TYPES[CaseAttachment.Kind(attachment.kind)],
    )
    response["X-Content-Type-Options"] = "nosniff"
    if case.is_exempt:
        response["Cache-Control"] = "private, no-store"
    return response


@permission_for("council.change_case", lookup=case_by_pk)
def case_triage(request: HttpRequest, case: Case) -> HttpResponse:
    initial = {name: getattr(case, name) for name in services.CASE_PAPER_FIELDS}
    initial["version"] = case.version
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = CaseTriageForm(request.POST if action == "save" else None, initial=initial)
    schedule = ScheduleForm(request.POST if action == "schedule" else None, case=case)
    try:
        if action == "save" and form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            services.case_update(
                case=case,
                values=values,
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
            messages.success(request, _("Saksframlegget er lagret."))
            return redirect("council:case_detail", case.pk)
        if action == "schedule" and schedule.is_valid():
            case = services.case_schedule(
                case=case, meeting=schedule.cleaned_data["meeting"], user=request.user
            )
            messages.success(
                request,
                _("%(case)s er satt på sakslisten til %(meeting)s.")
                % {"case": case.label, "meeting": case.meeting},
            )
            return redirect("council:case_detail", case.pk)
        if action == "withdraw":
            services.case_withdraw(case=case, user=request.user)
            messages.success(request, _("Saken er trukket. Saksnummeret brukes ikke igjen."))
            return redirect("council:case_detail", case.pk)
    except (StaleVersion, RecordGone):
        form.add_error(
            None,
            _("Noen andre har endret saken mens du arbeidet. Last siden på nytt og prøv igjen."),
        )
    except ValidationError as error:
        _service_error(schedule if action == "schedule" else form, error)
    return render(
        request,
        "council/case_triage.html",
        {
            "case": case,
            "form": form,
            "schedule": schedule,
            "errors": _errors(form) + _errors(schedule),
            "crumbs": _crumbs(
                (case.title, reverse("council:case_detail", args=[case.pk])),
                (_("Behandle"), None),
            ),
        },
    )


def _row_errors(rows: ChangeRows) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for row in rows.rows:
        heading = _("Endring %(n)s") % {"n": row.number}
        for message in row.non_field_errors():
            items.append((row.anchor, f"{heading}: {message}"))
        for bound in row:
            for message in bound.errors:
                items.append((str(bound.auto_id), f"{heading}, {bound.label}: {message}"))
    return items


@permission_for("council.add_decision", lookup=case_by_pk)
def decision_create(request: HttpRequest, case: Case) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    remove = request.POST.get("fjern", "") if data is not None else ""
    adding = data is not None and request.POST.get("handling") == "legg-til"
    if data is not None and (adding or remove.isdigit()):
        # Only a row added or removed: show the form again as typed, judged when submitted.
        form = decision_form_as_typed(data, case)
        rows = ChangeRows(
            data,
            editing=True,
            add=request.POST.get("ny-endring", "") if adding else "",
            remove=int(remove) if remove.isdigit() else None,
        )
    else:
        form = DecisionForm(data, case=case)
        rows = ChangeRows(data)
        if data is not None and all([form.is_valid(), rows.is_valid()]):
            try:
                services.decision_record(
                    case=case,
                    text=form.cleaned_data["text"],
                    changes=form.plan_changes() + rows.plan_changes(),
                    user=request.user,
                )
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Vedtaket i %(case)s er registrert. Planendringene innføres når referatet "
                        "godkjennes."
                    )
                    % {"case": case.label},
                )
                return redirect("council:meeting_detail", case.meeting_id)
    return render(
        request,
        "council/decision_form.html",
        {
            "case": case,
            "form": form,
            "rows": rows,
            "row_kinds": [(key, row.legend) for key, row in ROW_KINDS.items()],
            "max_rows": MAX_ROWS,
            "errors": _errors(form) + _row_errors(rows) if data is not None else [],
            "crumbs": _crumbs(
                (case.label, reverse("council:case_detail", args=[case.pk])),
                (_("Registrer vedtak"), None),
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Meetings: the secretariat's steps


@permission_for("council.add_meeting", lookup=body_by_short_name)
def meeting_create(request: HttpRequest, body: Body) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(body=body, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("%(meeting)s er opprettet.") % {"meeting": meeting})
            return redirect("council:meeting_detail", meeting.pk)
    return render(
        request,
        "council/form.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": _("Nytt møte i %(body)s") % {"body": body.name},
            "submit_label": _("Opprett møtet"),
            "cancel_url": reverse("council:meeting_list", args=[body.short_name]),
            "crumbs": _crumbs(
                (body.name, reverse("council:body_detail", args=[body.short_name])),
                (_("Nytt møte"), None),
            ),
        },
    )


def _step(request: HttpRequest, meeting: Meeting, service: Any, done: str) -> HttpResponse:
    try:
        service(meeting=meeting, user=request.user)
    except (StaleVersion, RecordGone):
        messages.error(request, _("Møtet er endret av noen andre. Prøv igjen."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("council:meeting_detail", meeting.pk)


@permission_for("council.change_meeting", lookup=meeting_by_pk)
@require_POST
def meeting_convene(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    return _step(
        request,
        meeting,
        services.meeting_convene,
        _("Innkallingen er sendt. Grunnlaget for sakene er frosset slik det er i dag."),
    )


@permission_for("council.change_meeting", lookup=meeting_by_pk)
@require_POST
def meeting_hold(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    return _step(request, meeting, services.meeting_hold, _("Møtet er registrert som avholdt."))


@permission_for("council.change_meeting", lookup=meeting_by_pk)
def minutes_edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    initial = {
        "minutes": meeting.minutes,
        "version": meeting.version,
        "attendees": [a.membership_id for a in meeting.attendance.all()],
    }
    form = MinutesForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            from django.db import transaction

            with transaction.atomic():
                services.meeting_minutes_write(
                    meeting=meeting,
                    text=form.cleaned_data["minutes"],
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                )
                services.attendance_set(meeting=meeting, memberships=form.cleaned_data["attendees"])
        except (StaleVersion, RecordGone):
            form.add_error(None, _("Noen andre har endret referatet. Last siden på nytt."))
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Referatet er lagret."))
            return redirect("council:meeting_detail", meeting.pk)
    return render(
        request,
        "council/form.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": _("Referat fra %(meeting)s") % {"meeting": meeting},
            "submit_label": _("Lagre referatet"),
            "cancel_url": reverse("council:meeting_detail", args=[meeting.pk]),
            "crumbs": _crumbs(
                (meeting.label, reverse("council:meeting_detail", args=[meeting.pk])),
                (_("Referat"), None),
            ),
        },
    )


@permission_for("council.change_meeting", lookup=meeting_by_pk)
def minutes_approve(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    changes = list(
        PlanChange.objects.filter(decision__meeting=meeting, applied_in__isnull=True)
        .select_related("decision__case", "content_type")
        .order_by("decision__case__number", "order", "pk")
    )
    problems: list[str] = []
    if request.method == "POST":
        try:
            version = services.minutes_approve(meeting=meeting, user=request.user)
        except (StaleVersion, RecordGone):
            problems = [_("Møtet er endret av noen andre. Last siden på nytt.")]
        except ValidationError as error:
            problems = error.messages
        else:
            if version is not None:
                messages.success(
                    request,
                    _("Referatet er godkjent, og planendringene er innført i %(version)s.")
                    % {"version": version.label},
                )
                return redirect("council:plan_version", version.pk)
            messages.success(request, _("Referatet er godkjent og låst."))
            return redirect("council:meeting_detail", meeting.pk)
    else:
        problems = services.plan_conflicts(meeting)
    return render(
        request,
        "council/minutes_approve.html",
        {
            "meeting": meeting,
            "changes": [_describe(change) for change in changes],
            "problems": problems,
            "errors": [("approve-form", p) for p in problems] if request.method == "POST" else [],
            "crumbs": _crumbs(
                (meeting.label, reverse("council:meeting_detail", args=[meeting.pk])),
                (_("Godkjenn referat"), None),
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Follow-up actions


@permission_for("council.add_followupaction", lookup=decision_by_pk)
def follow_up_create(request: HttpRequest, decision: Decision) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_create(decision=decision, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Oppfølgingspunktet er registrert."))
            return redirect("council:meeting_detail", decision.meeting_id)
    return render(
        request,
        "council/form.html",
        {
            "form": form,
            "errors": _errors(form),
            "title": _("Oppfølging av %(case)s") % {"case": decision.case.label},
            "submit_label": _("Legg til"),
            "cancel_url": reverse("council:meeting_detail", args=[decision.meeting_id]),
            "crumbs": _crumbs(
                (decision.case.label, reverse("council:case_detail", args=[decision.case_id])),
                (_("Oppfølging"), None),
            ),
        },
    )


@permission_for("council.change_followupaction", lookup=action_by_pk)
@require_POST
def follow_up_status(request: HttpRequest, action: FollowUpAction) -> HttpResponse:
    try:
        services.follow_up_set_status(
            action=action,
            done=request.POST.get("done") == "1",
            expected_version=int(request.POST.get("version", "-1")),
            user=request.user,
        )
    except (StaleVersion, RecordGone, ValueError):
        messages.error(request, _("Oppfølgingspunktet er endret av noen andre. Prøv igjen."))
    else:
        messages.success(request, _("Status er oppdatert."))
    return redirect("council:follow_up_list")


@permission_for("council.view_followupaction")
def follow_up_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.cases_visible_to(request.user)
    show = request.GET.get("vis", "open")
    actions = FollowUpAction.objects.filter(decision__case__in=visible).select_related(
        "decision__case__body", "decision__meeting", "owner_organisation"
    )
    if show != "alle":
        actions = actions.filter(status=FollowUpAction.Status.OPEN)
    return render(
        request,
        "council/follow_up_list.html",
        {
            "actions": actions.order_by("due_date", "pk"),
            "show_all": show == "alle",
            "today": timezone.localdate(),
            "may_change": request.user.has_perm("council.change_followupaction"),
            "crumbs": _crumbs((_("Oppfølgingspunkter"), None)),
        },
    )


# ---------------------------------------------------------------------------------------------
# Plan history


def _describe(change: PlanChange) -> dict[str, Any]:
    model = change.content_type.model_class()
    return {
        "change": change,
        "model": model._meta.verbose_name if model else change.content_type.model,
        "object": services.plan_object_label(change),
        "field": services.plan_field_label(change),
        "values": services.plan_change_values(change),
    }


@require_GET
def plan_history(request: HttpRequest) -> HttpResponse:
    versions = PlanVersion.objects.select_related("meeting__body", "roadmap_version").order_by(
        "-created_at", "-pk"
    )
    return render(
        request,
        "council/plan_history.html",
        {
            "versions": versions,
            "all_versions": list(versions),
            "crumbs": _crumbs((_("Planhistorikk"), None)),
        },
    )


@require_GET
def plan_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(PlanVersion, pk=pk)
    previous = PlanVersion.objects.filter(pk__lt=version.pk).order_by("-pk").first()
    url = reverse("council:plan_diff") + f"?til={version.pk}"
    if previous is not None:
        url += f"&fra={previous.pk}"
    return redirect(url)


def _version_param(request: HttpRequest, name: str) -> PlanVersion | None:
    raw = request.GET.get(name, "")
    if not raw.isdigit():
        return None
    return PlanVersion.objects.filter(pk=int(raw)).first()


@require_GET
def plan_diff(request: HttpRequest) -> HttpResponse:
    versions = list(PlanVersion.objects.order_by("-pk"))
    newer = _version_param(request, "til") or (versions[0] if versions else None)
    older = _version_param(request, "fra")
    problem = ""
    entries: list[dict[str, Any]] = []
    if older is not None and newer is not None and older.pk > newer.pk:
        older, newer = newer, older
    if newer is not None:
        if older is not None and older.pk == newer.pk:
            problem = _("Velg to ulike versjoner for å se forskjellen.")
        changes = (
            PlanChange.objects.filter(applied_in__pk__lte=newer.pk)
            .select_related(
                "applied_in", "content_type", "decision__case__body", "decision__meeting__body"
            )
            .order_by("applied_in__pk", "decision__case__number", "order", "pk")
        )
        if older is not None:
            changes = changes.filter(applied_in__pk__gt=older.pk)
        visible = set(
            selectors.cases_visible_to(
                request.user,
                Case.objects.filter(pk__in=[c.decision.case_id for c in changes]),
            ).values_list("pk", flat=True)
        )
        for change in changes:
            entry = _describe(change)
            entry["case_visible"] = change.decision.case_id in visible
            entries.append(entry)
    return render(
        request,
        "council/plan_diff.html",
        {
            "versions": versions,
            "older": older,
            "newer": newer,
            "entries": entries,
            "problem": problem,
            "crumbs": _crumbs(
                (_("Planhistorikk"), reverse("council:plan_history")), (_("Endringer"), None)
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Annual cycle and calendars


@require_GET
def annual_cycle_current(request: HttpRequest) -> HttpResponse:
    return redirect("council:annual_cycle", timezone.localdate().year)


@require_GET
def annual_cycle_year(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        raise Http404
    return render(
        request,
        "council/annual_cycle.html",
        {
            "year": year,
            "months": annual_cycle(year),
            "bodies": Body.objects.all(),
            "crumbs": _crumbs((_("Årshjul %(year)s") % {"year": year}, None)),
        },
    )


def _ics(request: HttpRequest, name: str, meetings: Any, user: Any) -> HttpResponse:
    body = calendar.build_calendar(
        name=name,
        meetings=meetings,
        user=user,
        url_for=lambda m: request.build_absolute_uri(
            reverse("council:meeting_detail", args=[m.pk])
        ),
        domain=request.get_host().split(":")[0] or "retning",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def body_calendar(request: HttpRequest, short_name: str) -> HttpResponse:
    body = body_by_short_name(short_name)
    # The public feed shows what an anonymous visitor sees, whoever fetches it.
    from django.contrib.auth.models import AnonymousUser

    response = _ics(request, f"{body.name} – møter", calendar.meetings_of([body]), AnonymousUser())
    response["Content-Disposition"] = f'inline; filename="{body.short_name.lower()}.ics"'
    return response


@require_GET
def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    user_id = calendar.user_id_from_token(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    if selectors.sees_all_cases(user):
        bodies = Body.objects.all()
    else:
        bodies = Body.objects.filter(pk__in=selectors.body_ids_of(user))
    response = _ics(request, _("Mine møter i rådsmodellen"), calendar.meetings_of(bodies), user)
    response["Cache-Control"] = "private, no-store"
    return response


@permission_for("council.view_own_calendar")
def my_calendar(request: HttpRequest) -> HttpResponse:
    url = request.build_absolute_uri(
        reverse("council:personal_calendar", args=[calendar.token_for(request.user)])
    )
    memberships = Membership.objects.filter(user=request.user).select_related("body")
    return render(
        request,
        "council/my_calendar.html",
        {"url": url, "memberships": memberships, "crumbs": _crumbs((_("Min kalender"), None))},
    )
