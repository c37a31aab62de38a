"""Shared kernel: the tenant-owned model base and the public id field."""

from django.db import models

from helpline.core.ids import new_public_id


class PublicIdField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", new_public_id)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "unique", "editable", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs


class TenantModel(models.Model):
    """Every tenant-owned row carries its account; reads go through account-scoped selectors."""

    account = models.ForeignKey("tenancy.Account", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
