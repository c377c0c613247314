"""Attachments (a file with its metadata) and assignments (one attachment linked to one NetBox object)."""

import os

from core.models import ObjectType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from netbox.models import NetBoxModel, PrimaryModel
from utilities.exceptions import AbortRequest

from .access import AssignmentQuerySet, AttachmentQuerySet, current_user, prefetch_parents, visible_to
from .internals import fetched_peers, is_new_upload, is_stored
from .scope import is_in_scope, object_type_label
from .storage import (
    attachment_upload_to,
    describe,
    guess_content_type,
    has_unsafe_characters,
    note_stored_file,
    original_filename,
)

# One wording everywhere (forms, API, the database constraint). Missing and hidden objects read the same, so an
# answer never tells which IDs exist.
NO_SUCH_OBJECT = _('No such object.')
ALREADY_LINKED = _('This attachment is already linked to this object.')
UNIQUE_ASSIGNMENT = 'netbox_attachments_unique_assignment'
UNIQUE_FILE = 'netbox_attachments_unique_file'
FILE_IN_USE = _('Another attachment already uses this file.')


def validate_name(value):
    if has_unsafe_characters(value):
        raise ValidationError(
            _('Names cannot contain control or formatting characters (such as bidirectional overrides).'),
            code='unsafe_characters',
        )


def file_detail(field_class, verbose_name, help_text, **options):
    """A fact about the stored file, set by refresh_file_details(): never edited in forms, empty when unknown."""
    return field_class(verbose_name=verbose_name, editable=False, blank=True, help_text=help_text, **options)


class NetBoxAttachment(PrimaryModel):
    """A stored file with its metadata. It exists on its own: assignments link it to any number of objects."""

    name = models.CharField(
        verbose_name=_('name'),
        max_length=254,
        blank=True,
        help_text=_('Defaults to the name of the uploaded file'),
        validators=[validate_name],
    )
    file = models.FileField(verbose_name=_('file'), upload_to=attachment_upload_to, max_length=255)
    size = file_detail(
        models.PositiveBigIntegerField,
        _('size'),
        _('Size of the file in bytes; empty when it could not be read'),
        null=True,
    )
    content_type = file_detail(
        models.CharField, _('content type'), _('Media type derived from the file name'), max_length=255
    )
    sha256 = file_detail(models.CharField, _('SHA-256'), _('SHA-256 digest of the file content'), max_length=64)

    objects = AttachmentQuerySet.as_manager()

    clone_fields = ('description', 'owner')

    class Meta:
        ordering = ('name', 'pk')  # names are not unique
        constraints = (
            # Deleting a record deletes its file: a file another record also named would go with it.
            models.UniqueConstraint(
                fields=('file',),
                condition=~models.Q(file=''),
                name=UNIQUE_FILE,
                violation_error_message=FILE_IN_USE,
            ),
        )
        verbose_name = _('attachment')
        verbose_name_plural = _('attachments')

    def __str__(self):
        return self.name or self.filename

    @property
    def filename(self):
        return os.path.basename(self.file.name or '')

    @property
    def download_name(self):
        """The name a download is saved under: the attachment's name (by default the uploaded file's original name,
        non-ASCII characters included) while it keeps the file's extension, else the stored file name."""
        extension = os.path.splitext(self.filename)[1].lower()
        if self.name and extension and self.name.lower().endswith(extension):
            return original_filename(self.name)
        return self.filename

    @property
    def visible_assignments(self):
        """This attachment's links that the current request's user may view: all that pages and the API list.

        Lists load them for a whole page with visible_assignments_prefetch(); otherwise they are loaded here.
        """
        if not hasattr(self, '_visible_assignments'):
            self._visible_assignments = list(visible_to(current_user(), self.assignments.select_related('object_type')))
        return self._visible_assignments

    @property
    def attachment_assignments(self):
        """Read-only alias of `assignments` under the related name of netbox-attachments 12.x, for their export
        templates and custom links (`object.attachment_assignments.all()`). Like every new way to read links, it
        holds only those the current request's user may view (all of them outside a request)."""
        return visible_to(current_user(), self.assignments.all())

    def save(self, *args, **kwargs):
        # An uncommitted file is a new upload (on create, or replacing the current file on edit).
        new_upload = is_new_upload(self.file)
        if new_upload:
            if not self.name:
                self.name = original_filename(self.file.name)[:254]
            self.refresh_file_details()
            if self.pk:
                self._replaced_file_name = (
                    type(self).objects.filter(pk=self.pk).values_list('file', flat=True).first() or None
                )
        try:
            super().save(*args, **kwargs)
        finally:
            if new_upload and is_stored(self.file):  # stored, whether or not the record was saved
                note_stored_file(self.file.name, self.file.storage)

    def refresh_file_details(self):
        """Set size, SHA-256 and content type from the file (a new upload, or one already in the storage)."""
        self.content_type = guess_content_type(self.file.name)
        try:
            self.file.open('rb')
            self.size, self.sha256 = describe(self.file)
        except OSError:
            self.size, self.sha256 = None, ''
        finally:
            if is_stored(self.file):
                self.file.close()


class AssignmentManager(models.Manager.from_queryset(AssignmentQuerySet)):
    def get_queryset(self):
        # Rows fetched together load what they lack together: related rows, and their linked objects (parent).
        return super().get_queryset().fetch_mode(models.FETCH_PEERS)


class NetBoxAttachmentAssignment(NetBoxModel):
    """Links one attachment to one NetBox object. Removing it (unlinking) keeps the attachment and its file."""

    attachment = models.ForeignKey(
        to=NetBoxAttachment,
        on_delete=models.CASCADE,
        related_name='assignments',
        verbose_name=_('attachment'),
    )
    object_type = models.ForeignKey(
        to='core.ObjectType',
        on_delete=models.CASCADE,
        related_name='+',
        verbose_name=_('object type'),
    )
    object_id = models.PositiveBigIntegerField(verbose_name=_('object ID'))

    objects = AssignmentManager()

    class Meta:
        ordering = ('attachment', 'object_type', 'object_id')
        indexes = (models.Index(fields=('object_type', 'object_id'), name='netbox_atta_object_idx'),)
        constraints = (
            models.UniqueConstraint(
                fields=('attachment', 'object_type', 'object_id'),
                name=UNIQUE_ASSIGNMENT,
                violation_error_message=ALREADY_LINKED,
            ),
        )
        verbose_name = _('attachment assignment')
        verbose_name_plural = _('attachment assignments')

    def __str__(self):
        return f'{self.attachment} → {self.target_label}'

    @property
    def target_label(self):
        """'app_label > model #id', built from the raw content type so broken assignments read the same."""
        return f'{object_type_label(self.object_type)} #{self.object_id}'

    @property
    def is_broken(self):
        """True when the linked object type's model can no longer be resolved (e.g. its plugin was removed)."""
        return self.object_type.model_class() is None

    @property
    def parent(self):
        """The linked object as the current request's user may see it: None when its model can't be resolved, the
        object does not exist, or that user may not view it. Every page, export and serializer shows it through
        this, so none of them can print the name of a hidden object."""
        if not hasattr(self, '_parent'):
            # The rows fetched with this one (a page, an export chunk) are resolved with it, one query per type.
            peers = [peer for peer in fetched_peers(self) if not hasattr(peer, '_parent')]
            prefetch_parents(peers if self in peers else [*peers, self], current_user())
        return self._parent

    @parent.setter
    def parent(self, obj):
        # Lets NetBox's generic object form fields assign the linked object like a GenericForeignKey.
        self.object_type = ObjectType.objects.get_for_model(obj) if obj is not None else None
        self.object_id = obj.pk if obj is not None else None
        self._parent = obj

    def clean(self):
        super().clean()
        # Scope and existence are checked when the link is made or moved; editing tags later must not depend on them.
        if self.object_type_id is not None and self._target_changed():
            model = self.object_type.model_class()
            if not is_in_scope(model):
                raise ValidationError({'object_type': _('This object type is not permitted for attachments.')})
            if self.object_id is not None and not model._default_manager.filter(pk=self.object_id).exists():
                raise ValidationError({'object_id': NO_SUCH_OBJECT})
        # The form and API don't validate this constraint themselves (object_type/object_id may not be form
        # fields), so it is checked here for every path; the database constraint still answers races.
        duplicates = (
            type(self)
            .objects.filter(
                attachment_id=self.attachment_id, object_type_id=self.object_type_id, object_id=self.object_id
            )
            .exclude(pk=self.pk)
        )
        if self.attachment_id and self.object_type_id and duplicates.exists():
            raise ValidationError(ALREADY_LINKED)

    def _target_changed(self):
        if self._state.adding:
            return True
        stored = type(self).objects.filter(pk=self.pk).values_list('object_type_id', 'object_id').first()
        return stored != (self.object_type_id, self.object_id)

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self._state.adding:
                # The orphan cleanup may be deleting this attachment: wait for it, then refuse to link a deleted
                # one (the foreign key check alone would fail at commit, as a server error).
                locked = NetBoxAttachment.objects.select_for_update(no_key=True).filter(pk=self.attachment_id)
                if not locked.exists():
                    raise AbortRequest(NO_SUCH_OBJECT)
            super().save(*args, **kwargs)

    def to_objectchange(self, action):
        # Shows the link in the change log of the linked object too, whoever made the change.
        objectchange = super().to_objectchange(action)
        model = self.object_type.model_class()
        objectchange.related_object = model._default_manager.filter(pk=self.object_id).first() if model else None
        return objectchange


def broken_object_type_ids():
    """IDs of the object types whose model can no longer be resolved."""
    return [ot.pk for ot in ObjectType.objects.all() if ot.model_class() is None]
