"""Actors' plans and their links to the strategy, other strategies, watch items, the theme log
and the stored annual status reports."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned


class RelatedDocument(Versioned):
    """Another strategy, plan or white paper that the e-health strategy relates to."""

    class Kind(models.TextChoices):
        WHITE_PAPER = "white_paper", _("Stortingsmelding")
        STRATEGY = "strategy", _("Strategi")
        PLAN = "plan", _("Plan")
        NOU = "nou", _("NOU")
        REGULATION = "regulation", _("Regelverk")
        OTHER = "other", _("Annet")

    class Relation(models.TextChoices):
        OVERARCHING = "overarching", _("Overordnet føring")
        GUIDES = "guides", _("E-helsestrategien er retningsgivende for denne")
        GUIDED_BY = "guided_by", _("Gir føringer for e-helsestrategien")
        INTERACTS = "interacts", _("Gjensidig samspill")
        PREREQUISITE = "prerequisite", _("Gjelder en tverrgående forutsetning")

    title = models.CharField(_("tittel"), max_length=300)
    issuer = models.CharField(_("utgiver"), max_length=200, blank=True)
    kind = models.CharField(_("type dokument"), max_length=20, choices=Kind.choices)
    period_start = models.PositiveSmallIntegerField(_("fra år"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("til år"), null=True, blank=True)
    url = models.URLField(_("lenke"), max_length=500, blank=True)
    relation = models.CharField(_("sammenheng"), max_length=20, choices=Relation.choices)
    relation_description = models.TextField(_("beskrivelse av sammenhengen"), blank=True)
    themes = models.ManyToManyField(
        "strategy.Theme",
        verbose_name=_("tverrgående forutsetninger"),
        blank=True,
        related_name="related_documents",
    )
    sources = models.ManyToManyField("strategy.Source", verbose_name=_("kilder"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relatert dokument")
        verbose_name_plural = _("relaterte dokumenter")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")


class Strength(models.TextChoices):
    """How strongly a plan item works towards a national goal or sub-goal (weights in measure.py)."""

    DIRECT = "direct", _("Direkte bidrag")
    SUPPORT = "support", _("Støtter")
    RELATED = "related", _("Beslektet")


class ActorPlan(Versioned):
    """An actor's own strategy or plan (e.g. a regional health authority's development plan)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Vedtatt")
        EXPIRED = "expired", _("Utløpt")

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("aktør"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    title = models.CharField(_("tittel"), max_length=300)
    period_start = models.PositiveSmallIntegerField(_("gjelder fra år"))
    period_end = models.PositiveSmallIntegerField(_("gjelder til år"))
    url = models.URLField(_("lenke"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aktørs plan")
        verbose_name_plural = _("aktørers planer")
        ordering = ["organisation__name", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="actorplan_period_ordered",
                violation_error_message=_("Perioden kan ikke slutte før den begynner."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_current(self) -> bool:
        return self.status != self.Status.EXPIRED

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("alignment:plan_detail", args=[self.pk])


class PlanItem(Versioned):
    """A goal or measure in an actor's plan, linked to national goals and initiatives."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Mål")
        MEASURE = "measure", _("Tiltak")

    plan = models.ForeignKey(
        ActorPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("type punkt"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    initiatives = models.ManyToManyField(
        "roadmap.Initiative",
        verbose_name=_("nasjonale initiativer"),
        blank=True,
        related_name="plan_items",
    )
    proposed_case = models.ForeignKey(
        "council.Case",
        verbose_name=_("foreslått som sak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[initiatives])

    class Meta:
        verbose_name = _("punkt i plan")
        verbose_name_plural = _("punkter i planer")
        ordering = ["plan", "kind", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanItemGoalLink(models.Model):
    """A plan item works towards a national goal or sub-goal, with a strength."""

    item = models.ForeignKey(
        PlanItem, verbose_name=_("punkt"), on_delete=models.CASCADE, related_name="goal_links"
    )
    goal = models.ForeignKey(
        "strategy.Goal",
        verbose_name=_("strategisk mål"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_item_links",
    )
    subgoal = models.ForeignKey(
        "strategy.SubGoal",
        verbose_name=_("delmål"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_item_links",
    )
    strength = models.CharField(_("styrke"), max_length=10, choices=Strength.choices)

    class Meta:
        verbose_name = _("kobling til nasjonalt mål")
        verbose_name_plural = _("koblinger til nasjonale mål")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal__isnull=False, subgoal__isnull=True)
                | models.Q(goal__isnull=True, subgoal__isnull=False),
                name="planitemlink_goal_or_subgoal",
                violation_error_message=_("En kobling gjelder enten et mål eller et delmål."),
            ),
            models.UniqueConstraint(
                fields=["item", "goal"],
                condition=models.Q(goal__isnull=False),
                name="planitemlink_unique_goal",
            ),
            models.UniqueConstraint(
                fields=["item", "subgoal"],
                condition=models.Q(subgoal__isnull=False),
                name="planitemlink_unique_subgoal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.subgoal or self.goal} ({self.get_strength_display()})"


class IndicatorInitiativeLink(models.Model):
    """An initiative is expected to move an indicator. Kept by the secretariat.

    The indicator and roadmap models have no such link, so the gap analysis keeps its own.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("målindikator"),
        on_delete=models.CASCADE,
        related_name="initiative_links",
    )
    initiative = models.ForeignKey(
        "roadmap.Initiative",
        verbose_name=_("initiativ"),
        on_delete=models.CASCADE,
        related_name="indicator_links",
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kobling mellom indikator og initiativ")
        verbose_name_plural = _("koblinger mellom indikatorer og initiativer")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "initiative"], name="unique_indicator_initiative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ← {self.initiative}"


class WatchItem(Versioned):
    """An expected document or change that may alter the strategy's direction."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Lukket")

    title = models.CharField(_("tittel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    expected_date = models.DateField(_("ventet dato"), null=True, blank=True)
    review_date = models.DateField(_("vurderes innen"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="watch_items",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    conclusion = models.TextField(_("konklusjon"), blank=True)
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True, editable=False)
    related_document = models.ForeignKey(
        RelatedDocument,
        verbose_name=_("relatert dokument"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="watch_items",
    )
    proposed_case = models.ForeignKey(
        "council.Case",
        verbose_name=_("foreslått som sak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punkt som følges med på")
        verbose_name_plural = _("punkter som følges med på")
        ordering = ["status", "review_date", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class WatchReminder(models.Model):
    """One reminder e-mail about a watch item's review date to one person, recorded before sending.

    Unique per item, review date and recipient: planning twice adds nothing, and a moved review
    date gets reminders of its own.
    """

    watch_item = models.ForeignKey(
        WatchItem, verbose_name=_("punkt"), on_delete=models.CASCADE, related_name="reminders"
    )
    review_date = models.DateField(_("vurderes innen"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottaker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("planlagt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("påminnelse om vurdering")
        verbose_name_plural = _("påminnelser om vurdering")
        constraints = [
            models.UniqueConstraint(
                fields=["watch_item", "review_date", "recipient"], name="one_watch_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watch_item} – {self.review_date}"


class ThemeLogEntry(models.Model):
    """A dated development or assessment the secretariat records for a cross-cutting theme."""

    theme = models.ForeignKey(
        "strategy.Theme",
        verbose_name=_("tverrgående forutsetning"),
        on_delete=models.CASCADE,
        related_name="log_entries",
    )
    date = models.DateField(_("dato"))
    text = models.TextField(_("utvikling eller vurdering"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skrevet av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    class Meta:
        verbose_name = _("oppfølgingslogg")
        verbose_name_plural = _("oppfølgingslogger")
        ordering = ["theme", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.theme} {self.date}"


def annual_report_path(instance: "AnnualReport", filename: str) -> str:
    return f"arsrapporter/{instance.year}/{filename}"


class AnnualReport(models.Model):
    """An annual status report as generated: the HTML and PDF are frozen at ``generated_at``."""

    year = models.PositiveSmallIntegerField(_("år"))
    generated_at = models.DateTimeField(_("generert"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generert av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    html = models.TextField(_("HTML"))
    pdf = models.FileField(_("PDF"), upload_to=annual_report_path, max_length=300)
    sha256 = models.CharField(_("sjekksum for PDF (SHA-256)"), max_length=64)
    case = models.ForeignKey(
        "council.Case",
        verbose_name=_("vedlegg til sak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annual_reports",
    )

    class Meta:
        verbose_name = _("årlig statusrapport")
        verbose_name_plural = _("årlige statusrapporter")
        ordering = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} ({self.generated_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("alignment:annual_report_stored", args=[self.year, self.pk])
