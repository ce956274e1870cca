from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned


class Source(models.Model):
    """A public source that facts in the dataset are taken from."""

    key = models.CharField(_("nøkkel"), max_length=40, unique=True)
    title = models.CharField(_("tittel"), max_length=300)
    url = models.URLField(_("adresse"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kilde")
        verbose_name_plural = _("kilder")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class Theme(Versioned):
    """A cross-cutting prerequisite without goals of its own (digital sikkerhet, digital kompetanse)."""

    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    name_en = models.CharField(_("navn på engelsk"), max_length=120, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tverrgående forutsetning")
        verbose_name_plural = _("tverrgående forutsetninger")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:theme_detail", args=[self.slug])


class Strategy(Versioned):
    title = models.CharField(_("tittel"), max_length=300)
    title_en = models.CharField(_("tittel på engelsk"), max_length=300, blank=True)
    short_title = models.CharField(_("kort tittel"), max_length=120)
    vision = models.TextField(_("visjon"))
    vision_en = models.TextField(_("visjon på engelsk"), blank=True)
    vision_explained = models.TextField(_("forklaring av visjonen"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("gjelder fra år"))
    period_end = models.PositiveSmallIntegerField(_("gjelder til år"))
    owner = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("eier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sources = models.ManyToManyField(Source, verbose_name=_("kilder"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategi")
        verbose_name_plural = _("strategier")

    def __str__(self) -> str:
        return self.short_title

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("Strategiperioden kan ikke slutte før den begynner.")}
            )

    @classmethod
    def current(cls) -> "Strategy | None":
        return cls.objects.order_by("-period_start").first()


class Goal(Versioned):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direkte nytte")
        ENABLING = "enabling", _("Tilretteleggende")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategi"), on_delete=models.CASCADE, related_name="goals"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("tittel"), max_length=300)
    title_en = models.CharField(_("tittel på engelsk"), max_length=300, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    kind = models.CharField(_("type mål"), max_length=20, choices=Kind.choices)
    sources = models.ManyToManyField(Source, verbose_name=_("kilder"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategisk mål")
        verbose_name_plural = _("strategiske mål")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="unique_goal_number",
                violation_error_message=_("Strategien har allerede et mål med dette nummeret."),
            )
        ]

    def __str__(self) -> str:
        return f"{_('Mål')} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("publishing:goal_detail", args=[self.number])


class SubGoal(Versioned):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategi"), on_delete=models.CASCADE, related_name="subgoals"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("strategisk mål"), on_delete=models.PROTECT, related_name="subgoals"
    )
    code = models.CharField(
        _("kode"), max_length=4, help_text=_("For eksempel 1A: målets nummer og en bokstav.")
    )
    title = models.CharField(_("tittel"), max_length=400)
    title_en = models.CharField(_("tittel på engelsk"), max_length=400, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("tverrgående forutsetninger"), blank=True, related_name="subgoals"
    )
    sources = models.ManyToManyField(Source, verbose_name=_("kilder"), blank=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"],
                name="unique_subgoal_code",
                violation_error_message=_("Det finnes allerede et delmål med denne koden."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        self.code = self.code.strip().upper()
        if self.goal_id and self.code and not self.code.startswith(str(self.goal.number)):
            raise ValidationError(
                {"code": _("Koden må begynne med nummeret til målet delmålet hører til.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("publishing:subgoal_detail", args=[self.code])


class BenefitObjective(models.Model):
    """A nyttemålsetning: the benefit a sub-goal is expected to give."""

    subgoal = models.ForeignKey(
        SubGoal,
        verbose_name=_("delmål"),
        on_delete=models.CASCADE,
        related_name="benefit_objectives",
    )
    text = models.TextField(_("nyttemålsetning"))
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nyttemålsetning")
        verbose_name_plural = _("nyttemålsetninger")
        ordering = ["subgoal", "order"]

    def __str__(self) -> str:
        return self.text


class Grouping(models.Model):
    """A swim-lane of the roadmap under a sub-goal (the export's «Strategi gruppering»)."""

    subgoal = models.ForeignKey(
        SubGoal, verbose_name=_("delmål"), on_delete=models.CASCADE, related_name="groupings"
    )
    title = models.CharField(_("tittel"), max_length=300)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gruppering")
        verbose_name_plural = _("grupperinger")
        ordering = ["subgoal", "order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["subgoal", "title"],
                name="unique_grouping_title",
                violation_error_message=_(
                    "Delmålet har allerede en gruppering med denne tittelen."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title
