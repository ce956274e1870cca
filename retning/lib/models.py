"""Abstract model pieces shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A record that several people may edit: saves carry the version they started from.

    ``retning.editing.services.versioned_update`` refuses a save whose version is stale instead of
    silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(_("versjon"), default=1, editable=False)

    class Meta:
        abstract = True
