"""Everything that changes alignment records. Each function writes in one transaction.

Edits of versioned records go through ``retning.editing.services``: a save whose version is stale
raises ``StaleVersion`` and writes nothing.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from retning.actors.models import Organisation
from retning.council import services as council_services
from retning.council.models import Body, Case
from retning.editing.services import versioned_create, versioned_save
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, SubGoal, Theme

from .models import (
    ActorPlan,
    IndicatorInitiativeLink,
    PlanItem,
    PlanItemGoalLink,
    ThemeLogEntry,
    WatchItem,
    WatchReminder,
)

logger = logging.getLogger(__name__)

# Reminders go out from this many days before a watch item's review date, and after it has passed.
REMINDER_DAYS_BEFORE = 14
PROPOSAL_BODY = "NUIT"  # the committee that follows the portfolio, roadmap and strategy

type GoalLink = tuple[Goal | None, SubGoal | None, str]


def plan_create(*, organisation: Organisation, plan: ActorPlan, user: Any) -> ActorPlan:
    plan.organisation = organisation
    plan.full_clean()
    return versioned_create(plan, user=user, reason="Plan registrert")


def plan_update(*, plan: ActorPlan, expected_version: int, user: Any) -> ActorPlan:
    plan.full_clean()
    return versioned_save(plan, expected_version=expected_version, user=user, reason="Plan endret")


def _set_links(item: PlanItem, links: Sequence[GoalLink]) -> None:
    item.goal_links.all().delete()
    PlanItemGoalLink.objects.bulk_create(
        PlanItemGoalLink(item=item, goal=goal, subgoal=subgoal, strength=strength)
        for goal, subgoal, strength in links
    )


@transaction.atomic
def item_create(
    *,
    plan: ActorPlan,
    item: PlanItem,
    links: Sequence[GoalLink],
    initiatives: Iterable[Initiative],
    user: Any,
) -> PlanItem:
    item.plan = plan
    item.full_clean()
    versioned_create(item, user=user, reason="Punkt registrert")
    item.initiatives.set(initiatives)
    _set_links(item, links)
    return item


@transaction.atomic
def item_update(
    *,
    item: PlanItem,
    expected_version: int,
    links: Sequence[GoalLink],
    initiatives: Iterable[Initiative],
    user: Any,
) -> PlanItem:
    item.full_clean()
    versioned_save(
        item,
        expected_version=expected_version,
        user=user,
        reason="Punkt endret",
        m2m={"initiatives": list(initiatives)},
    )
    _set_links(item, links)
    return item


def _proposal_body() -> Body:
    body = Body.objects.filter(short_name=PROPOSAL_BODY).first()
    if body is None:
        council_services.body_create_defaults()
        body = Body.objects.get(short_name=PROPOSAL_BODY)
    return body


@transaction.atomic
def item_propose_case(*, item: PlanItem, user: Any) -> Case:
    """Turn a plan item that no national initiative reflects into a proposed council case."""
    item = PlanItem.objects.select_for_update().select_related("plan__organisation").get(pk=item.pk)
    if item.proposed_case_id is not None:
        raise ValidationError(_("Punktet er allerede foreslått som sak."), code="already_proposed")
    links = list(item.goal_links.select_related("goal", "subgoal"))
    plan = item.plan
    case = council_services.case_propose(
        body=_proposal_body(),
        title=(
            _("Innspill fra %(org)s: %(title)s")
            % {"org": plan.organisation.display_name, "title": item.title}
        )[:300],
        case_type=Case.Type.DISCUSSION,
        proposed_by=user,
        organisation=plan.organisation,
        background=_(
            "Punktet «%(title)s» i «%(plan)s» (%(period)s) har ikke noe tilsvarende nasjonalt "
            "initiativ i veikartet.\n\n%(description)s"
        )
        % {
            "title": item.title,
            "plan": plan.title,
            "period": plan.period_label,
            "description": item.description,
        },
        requested_action=_("Vurdere om punktet bør tas inn ved neste revisjon av planen."),
        goals=[link.goal for link in links if link.goal],
        subgoals=[link.subgoal for link in links if link.subgoal],
    )
    PlanItem.objects.filter(pk=item.pk).update(proposed_case=case)
    return case


@transaction.atomic
def indicator_links_set(
    *, indicator: Indicator, initiatives: Iterable[Initiative], user: Any
) -> None:
    wanted = {initiative.pk for initiative in initiatives}
    existing = set(indicator.initiative_links.values_list("initiative_id", flat=True))
    indicator.initiative_links.exclude(initiative_id__in=wanted).delete()
    IndicatorInitiativeLink.objects.bulk_create(
        IndicatorInitiativeLink(indicator=indicator, initiative_id=pk, created_by=user)
        for pk in sorted(wanted - existing)
    )


# -- watch items -------------------------------------------------------------------------------


@transaction.atomic
def watch_close(
    *, item: WatchItem, conclusion: str, expected_version: int, propose: bool, user: Any
) -> WatchItem:
    if not item.is_open:
        raise ValidationError(_("Punktet er allerede lukket."), code="closed")
    conclusion = conclusion.strip()
    if not conclusion:
        raise ValidationError(_("Skriv konklusjonen før punktet lukkes."), code="required")
    item.status = WatchItem.Status.CLOSED
    item.conclusion = conclusion
    item.closed_at = timezone.now()
    versioned_save(item, expected_version=expected_version, user=user, reason="Lukket")
    if propose:
        case = council_services.case_propose(
            body=_proposal_body(),
            title=_("Konsekvenser for strategien: %(title)s") % {"title": item.title[:240]},
            case_type=Case.Type.DISCUSSION,
            proposed_by=user,
            background=f"{item.description}\n\n{_('Konklusjon')}: {conclusion}".strip(),
            requested_action=_("Drøfte om konklusjonen bør endre strategiens retning."),
        )
        WatchItem.objects.filter(pk=item.pk).update(proposed_case=case)
        item.proposed_case = case
    return item


def _secretariat() -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_secretariat=True) | Q(is_superuser=True))
        .exclude(email="")
    )


def reminders_plan(*, today: datetime.date | None = None) -> int:
    """Record a reminder for every open item whose review date is near or passed. Idempotent."""
    today = today or timezone.localdate()
    due = WatchItem.objects.filter(
        status=WatchItem.Status.OPEN,
        review_date__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
    ).select_related("owner")
    secretariat = _secretariat()
    created = 0
    for item in due:
        recipients = {user.pk: user for user in secretariat}
        if item.owner is not None and item.owner.is_active and item.owner.email:
            recipients[item.owner.pk] = item.owner
        for recipient in recipients.values():
            _row, new = WatchReminder.objects.get_or_create(
                watch_item=item, review_date=item.review_date, recipient=recipient
            )
            created += int(new)
    return created


def _message(reminder: WatchReminder, today: datetime.date) -> EmailMessage:
    item = WatchItem.objects.get(pk=reminder.watch_item_id)
    recipient = get_user_model().objects.get(pk=reminder.recipient_id)
    site = str(getattr(settings, "RETNING_SITE_URL", "http://localhost:8000")).rstrip("/")
    if reminder.review_date < today:
        when = _("Fristen for å vurdere punktet var %(date)s.")
    else:
        when = _("Punktet skal vurderes innen %(date)s.")
    body = "\n\n".join(
        [
            _("Hei!"),
            _("Sekretariatet følger med på «%(title)s».") % {"title": item.title},
            when % {"date": reminder.review_date.strftime("%d.%m.%Y")},
            item.description,
            _("Lukk punktet med en konklusjon i Retning når det er vurdert:"),
            site + reverse("alignment:watch_list"),
        ]
    )
    return EmailMessage(
        subject=_("Påminnelse: vurder «%(title)s»") % {"title": item.title[:120]},
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send every planned, unsent reminder for an open item.

    Each row is claimed (``FOR UPDATE SKIP LOCKED``), sent and marked in one transaction: two
    workers never send the same row, and a failed send leaves its row unsent for the next run.
    """
    today = today or timezone.localdate()
    sent = 0
    while True:
        with transaction.atomic():
            reminder = (
                WatchReminder.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, watch_item__status=WatchItem.Status.OPEN)
                .order_by("pk")
                .first()
            )
            if reminder is None:
                return sent
            _message(reminder, today).send()
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
            sent += 1
            logger.info("watch reminder sent", extra={"reminder": reminder.pk})


def theme_log_add(*, theme: Theme, date: datetime.date, text: str, user: Any) -> ThemeLogEntry:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Skriv hva som har skjedd eller er vurdert.")})
    try:
        with transaction.atomic():
            return ThemeLogEntry.objects.create(theme=theme, date=date, text=text, author=user)
    except IntegrityError as error:  # pragma: no cover - no constraint can fail today
        raise ValidationError(str(error)) from error
