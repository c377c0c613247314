"""Lifecycle rules: files go with their attachment, links go with their object, attachments stay."""

import numbers

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from extras.models import Bookmark, ImageAttachment, JournalEntry, Subscription
from netbox.models.features import model_is_public
from utilities.exceptions import AbortRequest

from .access import current_user, visible_objects
from .models import NO_SUCH_OBJECT, NetBoxAttachment, NetBoxAttachmentAssignment
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


# NetBox records that point at any object by type and ID, and whose API and pages then show that object's name:
# (object type field, object ID field).
POINTERS = {
    Bookmark: ('object_type', 'object_id'),
    Subscription: ('object_type', 'object_id'),
    JournalEntry: ('assigned_object_type', 'assigned_object_id'),
    ImageAttachment: ('object_type', 'object_id'),
}


@receiver(pre_save)
def refuse_pointers_to_hidden_records(sender, instance, **kwargs):
    """A bookmark, subscription, journal entry or image attachment may point at an attachment or assignment only for
    a user who may view it: NetBox lets any user bookmark any object by ID, and its answer names the object."""
    fields = POINTERS.get(sender)
    if fields is None:
        return
    object_type = getattr(instance, fields[0], None)
    model = object_type.model_class() if object_type is not None else None
    if model not in (NetBoxAttachment, NetBoxAttachmentAssignment):
        return
    if not visible_objects(current_user(), model).filter(pk=getattr(instance, fields[1])).exists():
        raise AbortRequest(NO_SUCH_OBJECT)
