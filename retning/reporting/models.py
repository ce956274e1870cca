"""Reporting rounds: the secretariat asks initiative owners for status a few times a year.

A round selects the initiatives that must report; each gets one ``StatusReport`` that moves through
pending → draft → submitted → approved, or back to returned. Every step is a ``ReportEvent``.
Reminder e-mails are rows in ``ReminderDispatch`` before they are sent, so a worker that dies
mid-run neither loses one nor sends one twice. ``DeliverySnapshot`` keeps each delivery's dates as
they stood when a round's report was approved, which is how slippage growth over rounds is shown.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned


class ReportingRound(Versioned):
    label = models.CharField(
        _("navn"), max_length=40, unique=True, help_text=_("For eksempel «2026 T3».")
    )
    opens_on = models.DateField(_("åpner"))
    deadline = models.DateField(_("frist"))
    grace_days = models.PositiveSmallIntegerField(
        _("ettergivelse (dager)"),
        default=7,
        help_text=_("Så mange dager etter fristen kan rapporter fortsatt sendes inn."),
    )
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("åpnet av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapporteringsrunde")
        verbose_name_plural = _("rapporteringsrunder")
        ordering = ["-deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")),
                name="round_deadline_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def closes_on(self) -> date:
        """The last day a report can still be submitted; the round locks after it."""
        return self.deadline + timedelta(days=self.grace_days)

    def get_absolute_url(self) -> str:
        return reverse("reporting:round_detail", args=[self.pk])


class Rating(models.TextChoices):
    """A traffic light with a written meaning, so two reporters mean the same by "yellow"."""

    GREEN = "green", _("Grønn – følger planen")
    YELLOW = "yellow", _("Gul – noe avvik")
    RED = "red", _("Rød – alvorlig avvik eller levering lite sannsynlig")


class StatusReport(Versioned):
    class State(models.TextChoices):
        PENDING = "pending", _("Ikke påbegynt")
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt inn")
        RETURNED = "returned", _("Returnert")
        APPROVED = "approved", _("Godkjent")

    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("rapporteringsrunde"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    initiative = models.ForeignKey(
        "roadmap.Initiative",
        verbose_name=_("initiativ"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    # The organisation whose reporters answer for this report; empty when the initiative has no
    # named owner (the secretariat then reports or assigns one).
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("rapporterende aktør"),
        on_delete=models.PROTECT,
        related_name="status_reports",
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("tilstand"), max_length=20, choices=State.choices, default=State.PENDING
    )
    overall = models.CharField(
        _("samlet status"), max_length=10, choices=Rating.choices, blank=True
    )
    schedule = models.CharField(_("framdrift"), max_length=10, choices=Rating.choices, blank=True)
    cost = models.CharField(_("kostnad"), max_length=10, choices=Rating.choices, blank=True)
    scope = models.CharField(_("omfang"), max_length=10, choices=Rating.choices, blank=True)
    benefits = models.CharField(_("gevinster"), max_length=10, choices=Rating.choices, blank=True)
    narrative = models.TextField(_("beskrivelse av status"), blank=True)
    decisions_needed = models.TextField(_("beslutninger som trengs fra rådet"), blank=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sist endret av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the report was last submitted; a submission after the deadline counts as late.
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    # The earlier report this one was pre-filled from when the round was opened.
    prefilled_from = models.ForeignKey(
        "self",
        verbose_name=_("forhåndsutfylt fra"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        ordering = ["round", "initiative__external_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "initiative"], name="one_report_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.initiative}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", args=[self.pk])


class ReportRisk(models.Model):
    """A key risk: probability and consequence on 1–5 scales, their product ranks risks."""

    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("statusrapport"),
        on_delete=models.CASCADE,
        related_name="risks",
    )
    description = models.CharField(_("risiko"), max_length=400)
    probability = models.PositiveSmallIntegerField(_("sannsynlighet (1–5)"))
    consequence = models.PositiveSmallIntegerField(_("konsekvens (1–5)"))
    mitigation = models.CharField(_("tiltak"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("risiko")
        verbose_name_plural = _("risikoer")
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=1, probability__lte=5),
                name="risk_probability_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(consequence__gte=1, consequence__lte=5),
                name="risk_consequence_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def score(self) -> int:
        return self.probability * self.consequence


class ReportDelivery(models.Model):
    """A next delivery as the report states it; an existing roadmap delivery or a new one."""

    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("statusrapport"),
        on_delete=models.CASCADE,
        related_name="next_deliveries",
    )
    delivery = models.ForeignKey(
        "roadmap.Delivery",
        verbose_name=_("leveranse i veikartet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("leveranse"), max_length=300)
    planned_date = models.DateField(_("planlagt dato"), null=True, blank=True)
    forecast_date = models.DateField(_("prognosedato"), null=True, blank=True)
    actual_date = models.DateField(_("faktisk dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("neste leveranse")
        verbose_name_plural = _("neste leveranser")
        ordering = ["report", "forecast_date", "planned_date", "id"]

    def __str__(self) -> str:
        return self.title


class ReportEvent(models.Model):
    """One step of a report's workflow, with who and when (and the reason when returned)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Opprettet")
        SAVED = "saved", _("Lagret")
        SUBMITTED = "submitted", _("Sendt inn")
        RETURNED = "returned", _("Returnert")
        APPROVED = "approved", _("Godkjent")
        REOPENED = "reopened", _("Åpnet igjen")
        LOCKED = "locked", _("Runden låst")

    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("statusrapport"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utført av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class ReminderDispatch(models.Model):
    """One reminder e-mail to one reporter, recorded before it is sent (an outbox).

    The unique constraint makes planning a reminder idempotent; ``sent_at`` is set in the same
    transaction that claims the row, so a worker killed mid-run leaves unsent rows to retry and
    never sends a row twice.
    """

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before_deadline", _("Påminnelse før fristen")
        OVERDUE = "overdue", _("Fristen er passert")

    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("rapporteringsrunde"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    organisation = models.ForeignKey(
        "actors.Organisation", verbose_name=_("aktør"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottaker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("planlagt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "recipient", "kind"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.round}"


class DeliverySnapshot(models.Model):
    """A delivery's dates as they stood at the end of a round, for slippage growth over rounds."""

    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("rapporteringsrunde"),
        on_delete=models.CASCADE,
        related_name="delivery_snapshots",
    )
    delivery = models.ForeignKey(
        "roadmap.Delivery",
        verbose_name=_("leveranse"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    planned_date = models.DateField(_("planlagt dato"), null=True, blank=True)
    forecast_date = models.DateField(_("prognosedato"), null=True, blank=True)
    actual_date = models.DateField(_("faktisk dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("leveranse ved rundens slutt")
        verbose_name_plural = _("leveranser ved rundens slutt")
        constraints = [
            models.UniqueConstraint(fields=["round", "delivery"], name="one_snapshot_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.delivery} ({self.round})"
