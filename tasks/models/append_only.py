"""Records kept as written: progress updates (an accountability record) and period snapshots (what the
ledger said when a period closed). Neither a row nor a bulk query may change or delete them."""

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a record that is kept as written."""


def _refuse(model) -> AppendOnlyError:
    return AppendOnlyError(f"{model._meta.label} rows are append-only: kept as written")


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk change either (QuerySet.update/delete bypass the model's save and delete)."""

    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once, never saved again nor deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))
