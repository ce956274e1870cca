from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RelatedDocument(models.Model):
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
