"""Scoped reads of import batches: a user sees the batches of their stores, another store's id is 404."""

from django.db.models import QuerySet

from accounts.permissions import Perm, require
from core.scoping import get_scoped_or_404, scoped
from dataio.models import ImportBatch


def batch_list(*, user) -> QuerySet:
    require(user, Perm.DATA_IMPORT)
    return scoped(ImportBatch.objects, user).order_by("-id")


def batch_get(*, user, batch_id: int) -> ImportBatch:
    """Another store's batch is 404 for everyone (checked first); one's own store's needs DATA_IMPORT."""
    batch = get_scoped_or_404(ImportBatch.objects, user, pk=batch_id)
    require(user, Perm.DATA_IMPORT)
    return batch
