"""Lifecycle rules: files go with their attachment, links go with their object, attachments stay."""

import numbers

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from netbox.models.features import model_is_public

from .models import NetBoxAttachment, NetBoxAttachmentAssignment
from .storage import delete_file_on_commit


@receiver(post_delete, sender=NetBoxAttachment)
def delete_attachment_file(sender, instance, **kwargs):
    delete_file_on_commit(instance.file.name, instance.file.storage)


@receiver(post_save, sender=NetBoxAttachment)
def delete_replaced_file(sender, instance, **kwargs):
    replaced = instance.__dict__.pop('_replaced_file_name', None)
    if replaced and replaced != instance.file.name:
        delete_file_on_commit(replaced, instance.file.storage)


@receiver(pre_delete)
def delete_assignments_of_deleted_object(sender, instance, **kwargs):
    """Deleting any linked object removes its assignments but keeps attachments.

    Done before the object goes, so each removed link's change record still points at the object.
    """
    if sender._meta.app_label == 'netbox_attachments' or not model_is_public(sender):
        return
    if not isinstance(instance.pk, numbers.Integral):  # assignments can only point at integer keys
        return
    opts = sender._meta.concrete_model._meta
    NetBoxAttachmentAssignment.objects.filter(
        object_type__app_label=opts.app_label,
        object_type__model=opts.model_name,
        object_id=instance.pk,
    ).delete()
