import posixpath

from core.models import ObjectType
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from netbox.context import current_request
from netbox.forms import (
    NetBoxModelBulkEditForm,
    NetBoxModelFilterSetForm,
    NetBoxModelForm,
    PrimaryModelBulkEditForm,
    PrimaryModelFilterSetForm,
    PrimaryModelForm,
    PrimaryModelImportForm,
)
from utilities.exceptions import AbortRequest, PermissionsViolation
from utilities.forms import BOOLEAN_WITH_BLANK_CHOICES
from utilities.forms.fields import (
    CommentField,
    ContentTypeMultipleChoiceField,
    DynamicModelChoiceField,
    DynamicModelMultipleChoiceField,
    GenericObjectChoiceField,
    TagFilterField,
)
from utilities.forms.mixins import GenericObjectFormMixin
from utilities.forms.rendering import FieldSet

from .access import ADOPT_FILES, capabilities, current_user, hidden_link_ends, may_create, visible_attachments
from .cleanup import DEFAULT_MIN_AGE, lock_files
from .internals import forget_content_types
from .models import NO_SUCH_OBJECT, UNIQUE_FILE, NetBoxAttachment, NetBoxAttachmentAssignment
from .scope import object_types_in_scope
from .storage import UPLOAD_FOLDER, check_upload_size


def limit_to_viewable_attachments(field):
    """Offer, and print the names of, only attachments the current request's user may view."""
    field.queryset = visible_attachments(current_user())
    # NetBox's filter-modifier widget renders the selected options from the widget it wraps, with that widget's
    # own copy of the choices.
    if (wrapped := getattr(field.widget, 'original_widget', None)) is not None:
        wrapped.choices = field.choices


def in_scope_object_field(label, html_id, **options):
    """A generic object field with NetBox's selector; InScopeObjectMixin fills in its object types."""
    return GenericObjectChoiceField(
        label=label, content_type_queryset=ContentType.objects.none(), selector=True, hx_target_id=html_id, **options
    )


class InScopeObjectMixin(GenericObjectFormMixin):
    """Limits a generic object field to the object types that may have attachments, and to objects the user may
    view."""

    scoped_object_field = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.scoped_object_field]
        scoped = ContentType.objects.filter(pk__in=object_types_in_scope().values('pk'))
        field.content_type_queryset = scoped
        field.content_type_field.queryset = scoped
        # The first preparation ran against an empty type list and cached that; without a fresh look-up the object
        # selector would not know its model, and NetBox could not restrict it to what the user may view.
        forget_content_types(field)
        field.prepare(self, self.scoped_object_field)

    def clean(self):
        cleaned_data = super().clean()
        target = cleaned_data.get(self.scoped_object_field)
        request = current_request.get()
        # Checked here as well as by the restricted selector: a link must never reveal or touch a hidden object.
        if target is not None and request is not None and hidden_link_ends(request.user, None, type(target), target.pk):
            self.add_error(self.scoped_object_field, NO_SUCH_OBJECT)
        return cleaned_data


#
# Attachments
#


class NetBoxAttachmentForm(InScopeObjectMixin, PrimaryModelForm):
    link_to = in_scope_object_field(
        _('Link to'),
        'attachment',
        required=False,
        gfk_name='pending_link',
        help_text=_('Optionally link the new attachment to an object right away'),
    )
    comments = CommentField()
    scoped_object_field = 'link_to'

    fieldsets = (
        FieldSet('file', 'name', 'description', 'link_to', 'tags', name=_('Attachment'), html_id='attachment'),
    )

    class Meta:
        model = NetBoxAttachment
        fields = ('file', 'name', 'description', 'owner', 'comments', 'tags')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = current_request.get()
        may_link = request is None or capabilities(request.user).link
        if self.instance.pk or not may_link:
            # Links of an existing attachment are managed from its page; without the right to link, no field.
            del self.fields['link_to']
            self.fields['file'].help_text = _('Choose a file to replace the current one; the old file is removed.')

    def clean_file(self):
        return check_upload_size(self.cleaned_data.get('file'))

    def save(self, *args, **kwargs):
        attachment = super().save(*args, **kwargs)
        if target := self.cleaned_data.get('link_to'):
            assignment = NetBoxAttachmentAssignment(attachment=attachment)
            assignment.parent = target
            assignment.full_clean()
            assignment.save()
            request = current_request.get()
            # The view checks only the attachment against the user's constraints; the link is checked here, and a
            # violation rolls both back.
            if request is not None and not may_create(request.user, assignment):
                raise PermissionsViolation()
        return attachment


class NetBoxAttachmentBulkEditForm(PrimaryModelBulkEditForm):
    description = forms.CharField(label=_('Description'), max_length=200, required=False)
    comments = CommentField()

    model = NetBoxAttachment
    fieldsets = (FieldSet('description', name=_('Attachment')),)
    nullable_fields = ('description', 'comments')


class NetBoxAttachmentImportForm(PrimaryModelImportForm):
    """Creates records for files already placed in the storage's attachments folder, or updates metadata by id."""

    file = forms.CharField(
        label=_('File'),
        help_text=_('Path of a file already stored under "%(folder)s/" (new records only)') % {'folder': UPLOAD_FOLDER},
        required=False,
    )

    class Meta:
        model = NetBoxAttachment
        fields = ('name', 'file', 'description', 'owner', 'comments', 'tags')

    def clean_file(self):
        raw = (self.cleaned_data.get('file') or '').strip()
        if self.instance.pk:
            if raw and posixpath.normpath(raw) != self.instance.file.name:
                raise ValidationError(_('The file of an existing attachment cannot be changed by import.'))
            return self.instance.file.name
        if not raw:
            raise ValidationError(_('A file is required for a new attachment.'))
        if (user := current_user()) is not None and not capabilities(user).adopt:
            raise ValidationError(
                _('Importing stored files needs the "adopt" action on attachments (%(permission)s).')
                % {'permission': ADOPT_FILES}
            )
        if '\\' in raw or '..' in raw.split('/'):
            raise ValidationError(_('The file must stay inside the attachments folder.'))
        # One spelling per file ('a//b', './b' are the same file), so "already used" can't be fooled.
        path = posixpath.normpath(raw).lstrip('/')
        if not path.startswith(f'{UPLOAD_FOLDER}/'):
            path = posixpath.normpath(f'{UPLOAD_FOLDER}/{path}')
        problem = adoption_problem(path)
        if problem:
            raise ValidationError(problem)
        return path

    def save(self, *args, **kwargs):
        if self.instance.pk:
            return super().save(*args, **kwargs)
        # Checked again under the lock the orphan cleanup takes before deleting files, in the transaction that
        # saves the record: the file may have been deleted, adopted or (re)written since the form was cleaned.
        lock_files()
        refused = NOT_ADOPTABLE % {'path': self.instance.file.name, 'seconds': DEFAULT_MIN_AGE}
        if adoption_problem(self.instance.file.name):
            raise AbortRequest(refused)
        self.instance.refresh_file_details()
        try:
            with transaction.atomic():
                return super().save(*args, **kwargs)
        except IntegrityError as error:  # another record took the file in the meantime
            if UNIQUE_FILE in str(error):
                raise AbortRequest(refused) from None
            raise


# One answer for a missing, a used and a young file: distinct ones would tell an importer which file names (and so
# which attachment names) exist, and which uploads are in progress.
NOT_ADOPTABLE = _(
    'No file that can be imported at %(path)s: it must exist in the attachments folder, be used by no other '
    'attachment and be last written more than %(seconds)s seconds ago.'
)


def adoption_problem(path):
    """Why the import may not make a record for this stored file, or None.

    Only a file that exists, that no record names, and that was last written longer ago than the orphan cleanup's
    default --min-age may be adopted: a younger file may belong to an upload whose record is not committed yet,
    and adopting it would hand another user's bytes to the importer.
    """
    refused = NOT_ADOPTABLE % {'path': path, 'seconds': DEFAULT_MIN_AGE}
    folder, filename = posixpath.split(path)
    storage = NetBoxAttachment._meta.get_field('file').storage
    try:
        is_file = filename in storage.listdir(folder)[1]
        age = (timezone.now() - storage.get_modified_time(path)).total_seconds() if is_file else None
    except (OSError, NotImplementedError):
        return refused
    if not is_file or age < DEFAULT_MIN_AGE or NetBoxAttachment.objects.filter(file=path).exists():
        return refused
    return None


class NetBoxAttachmentFilterForm(PrimaryModelFilterSetForm):
    model = NetBoxAttachment
    fieldsets = (
        FieldSet('q', 'filter_id', 'tag'),
        FieldSet('object_type_id', 'has_assignments', 'has_broken_assignments', name=_('Assignments')),
        FieldSet('owner_group_id', 'owner_id', name=_('Ownership')),
    )
    object_type_id = ContentTypeMultipleChoiceField(
        queryset=ObjectType.objects.none(),
        required=False,
        label=_('Linked to object type'),
    )
    has_assignments = forms.NullBooleanField(
        required=False, label=_('Has assignments'), widget=forms.Select(choices=BOOLEAN_WITH_BLANK_CHOICES)
    )
    has_broken_assignments = forms.NullBooleanField(
        required=False, label=_('Has broken assignments'), widget=forms.Select(choices=BOOLEAN_WITH_BLANK_CHOICES)
    )
    tag = TagFilterField(model)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['object_type_id'].queryset = object_types_in_scope()


#
# Assignments
#


class NetBoxAttachmentAssignmentForm(InScopeObjectMixin, NetBoxModelForm):
    attachment = DynamicModelChoiceField(
        label=_('Attachment'),
        queryset=NetBoxAttachment.objects.all(),
        selector=True,
    )
    parent = in_scope_object_field(_('Object'), 'assignment', required=True)
    scoped_object_field = 'parent'

    fieldsets = (FieldSet('attachment', 'parent', 'tags', name=_('Link'), html_id='assignment'),)

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = ('attachment', 'tags')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_viewable_attachments(self.fields['attachment'])
        if self.instance.pk:
            # An existing link keeps its ends (which may be broken); only its tags and custom fields change.
            del self.fields['attachment']
            del self.fields['parent']
            self.fieldsets = (FieldSet('tags', name=_('Link')),)


class NetBoxAttachmentAssignmentBulkEditForm(NetBoxModelBulkEditForm):
    model = NetBoxAttachmentAssignment
    fieldsets = ()
    nullable_fields = ()


class NetBoxAttachmentAssignmentFilterForm(NetBoxModelFilterSetForm):
    model = NetBoxAttachmentAssignment
    fieldsets = (FieldSet('q', 'filter_id', 'tag'), FieldSet('attachment_id', 'object_type_id', name=_('Link')))
    attachment_id = DynamicModelMultipleChoiceField(
        queryset=NetBoxAttachment.objects.all(),
        required=False,
        label=_('Attachment'),
    )
    object_type_id = ContentTypeMultipleChoiceField(
        queryset=ObjectType.objects.none(),
        required=False,
        label=_('Object type'),
    )
    tag = TagFilterField(model)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_viewable_attachments(self.fields['attachment_id'])
        self.fields['object_type_id'].queryset = (
            ObjectType.objects.filter(pk__in=NetBoxAttachmentAssignment.objects.values('object_type'))
            | object_types_in_scope()
        )
