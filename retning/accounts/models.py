import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "rtn_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for


class User(AbstractUser):
    """A person using Retning. What they may change follows from the roles below."""

    is_secretariat = models.BooleanField(
        _("sekretariat"),
        default=False,
        help_text=_("Redigerer alt i strategien, planen og rådsmodellen, og forvalter brukere."),
    )
    is_data_steward = models.BooleanField(
        _("dataforvalter"), default=False, help_text=_("Forvalter data for alle målindikatorer.")
    )
    reporter_for = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("rapportør for"),
        blank=True,
        related_name="reporters",
        help_text=_("Aktørene brukeren rapporterer for og kan endre initiativer og data for."),
    )
    oidc_subject = models.CharField(
        _("ekstern identitet (OIDC sub)"), max_length=255, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_reporter(self) -> bool:
        return self.reporter_for.exists()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token itself is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(_("begynner med"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token and return it with its secret, which is not stored anywhere."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=secret[:10], digest=_digest(secret))
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
