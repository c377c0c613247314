from collections import defaultdict
from functools import cached_property

from core.models import ObjectType
from django.contrib.contenttypes.models import ContentType
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from extras.api.customfields import CustomFieldsDataField
from extras.choices import CustomFieldTypeChoices
from extras.models import Tag, TaggedItem
from netbox.api.exceptions import SerializerNotFound
from netbox.api.fields import ContentTypeField
from netbox.api.serializers import NestedTagSerializer, NetBoxModelSerializer, PrimaryModelSerializer
from rest_framework import serializers
from utilities.api import get_serializer_for_model

from ..access import attachments_with_counts, hidden_link_ends, prefetch_parents
from ..internals import (
    APIURLField,
    UIURLField,
    custom_field_object_cache,
    custom_fields_of,
    is_prefetched,
    set_prefetched,
    use_fast_url_fields,
)
from ..models import NO_SUCH_OBJECT, NetBoxAttachment, NetBoxAttachmentAssignment
from ..storage import check_upload_size
from .fields import DownloadURLField, GuardedFileField

#
# Linked objects ("parents")
#


def resolve_parents(assignments, context):
    """Resolve the linked objects of these assignments, for the requesting user, with one query per object type.

    Objects the user may not view resolve to None, exactly like deleted ones, so `parent` never reveals them.
    """
    pending = [a for a in assignments if not hasattr(a, '_parent')]
    if pending:
        request = context.get('request')
        prefetch_parents(pending, request.user if request is not None else None)


def brief_parent(assignment, context):
    """The nested (brief) representation of an assignment's linked object, or None."""
    resolve_parents([assignment], context)
    parent = assignment._parent
    if parent is None:
        return None
    # One nested serializer per model for the whole response: building serializers is the costly part.
    cache = context.setdefault('netbox_attachments_parent_serializers', {})
    model = type(parent)
    if model not in cache:
        try:
            serializer = get_serializer_for_model(parent)(nested=True, context=context)
        except SerializerNotFound:
            serializer = None
        else:
            use_fast_url_fields(serializer)
            # NetBox's brief form has no page URL; front ends need it to link the object.
            if 'display_url' not in serializer.fields:
                serializer.fields['display_url'] = UIURLField()
        cache[model] = serializer
    return cache[model].to_representation(parent) if cache[model] is not None else None


def preload_tags(items):
    """Load the tags of a page of objects with one query.

    NetBox prefetches tags through taggit, which builds a filtered query for every row while prefetching (about
    0.4 ms a row, most of a 1,000-row list's prefetch time); the view sets leave tags out of their list prefetch and
    this fills the same cache instead (internals.set_prefetched).
    """
    items = [item for item in items if not is_prefetched(item, 'tags')]
    if not items:
        return
    by_object = defaultdict(list)
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(items[0]), object_id__in=[item.pk for item in items]
    ).select_related('tag')
    for tagged_item in tagged.order_by('tag__weight', 'tag__name'):
        by_object[tagged_item.object_id].append(tagged_item.tag)
    container = Tag.objects.all()
    for item in items:
        set_prefetched(item, 'tags', container, by_object.get(item.pk, []))


OBJECT_TYPES = (CustomFieldTypeChoices.TYPE_OBJECT, CustomFieldTypeChoices.TYPE_MULTIOBJECT)


def preload_custom_field_objects(context, *groups):
    """Load the objects that object-type custom fields of these rows point to, with one query per model.

    groups are (serializer, rows) pairs. NetBox's CustomFieldsDataField reads such objects from the context's
    cache (internals.custom_field_object_cache; filled by NetBox's own list serializer, which PageListSerializer
    replaces) and, once that cache exists, from nowhere else: so every serializer of the response that shows custom
    fields is given here.
    """
    wanted = defaultdict(set)
    for serializer, rows in groups:
        field = serializer.fields.get('custom_fields')
        if not isinstance(field, CustomFieldsDataField):
            continue
        for custom_field in custom_fields_of(field):
            if custom_field.type in OBJECT_TYPES:
                model = custom_field.related_object_type.model_class()
                for row in rows:
                    value = row.custom_field_data.get(custom_field.name)
                    if value is not None:
                        wanted[model].update(value if isinstance(value, list) else [value])
    if not wanted:
        return
    cache = custom_field_object_cache(context)
    for model, pks in wanted.items():
        missing = {pk for pk in pks if (model, pk) not in cache}
        for obj in model._default_manager.filter(pk__in=missing) if model is not None and missing else ():
            cache[(model, obj.pk)] = obj


class PageListSerializer(serializers.ListSerializer):
    """Lists load what their rows need (tags, custom field objects, linked objects) for the whole page at once
    instead of once per row."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, 'all') else data)
        self.child.load_rows(items)
        return [self.child.to_representation(item) for item in items]


class LoadsRowsMixin:
    """A serializer whose rows are loaded together (see PageListSerializer); one object alone is a page of one."""

    def to_representation(self, instance):
        if self.parent is None:  # a detail, create or update response
            self.load_rows([instance])
        return super().to_representation(instance)


# An assignment's fields, in the attachment's nested list and on the assignment endpoint alike.
ASSIGNMENT_FIELDS = (
    'id', 'url', 'display', 'attachment', 'object_type', 'object_id', 'parent', 'tags', 'custom_fields', 'created',
    'last_updated',
)  # fmt: skip

PARENT_FIELD = extend_schema_field(
    {
        'type': 'object',
        'nullable': True,
        'description': 'Brief representation of the linked object, with its display_url; null when it is gone, its '
        'model no longer exists, or the reader may not view it.',
        'additionalProperties': True,
    }
)


#
# Attachments
#


class AttachmentAssignmentSerializer(serializers.ModelSerializer):
    """An attachment's link, as nested in the attachment: the attachment itself is given by its ID."""

    url = APIURLField()
    display = serializers.CharField(source='__str__', read_only=True)
    attachment = serializers.PrimaryKeyRelatedField(read_only=True)
    object_type = ContentTypeField(read_only=True)
    parent = serializers.SerializerMethodField()
    # As the assignment endpoint shows them (and as netbox-attachments 12.x nested them); the attachment's rows
    # load them for the whole page (load_rows).
    tags = NestedTagSerializer(many=True, read_only=True)
    custom_fields = CustomFieldsDataField(source='custom_field_data', read_only=True)

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = ASSIGNMENT_FIELDS
        read_only_fields = fields

    @PARENT_FIELD
    def get_parent(self, assignment):
        return brief_parent(assignment, self.context)


class NetBoxAttachmentSerializer(LoadsRowsMixin, PrimaryModelSerializer):
    """An attachment: a stored file with its metadata and its links. Created and replaced by multipart upload."""

    url = APIURLField()
    display_url = UIURLField()
    file = GuardedFileField(
        help_text='The file (multipart upload). Read: its URL under /media/, which serves it only to users who may '
        'view the attachment (session or token), whatever the storage.',
    )
    filename = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, allow_null=True)
    download_url = DownloadURLField()
    assignments = serializers.SerializerMethodField()
    assignment_count = serializers.SerializerMethodField(
        help_text='Objects this attachment is linked to across the whole system, including links the reader may not '
        'view: deleting the attachment removes all of them'
    )

    class Meta:
        model = NetBoxAttachment
        fields = (
            'id', 'url', 'display_url', 'display', 'name', 'description', 'file', 'filename', 'size', 'content_type',
            'sha256', 'download_url', 'assignments', 'assignment_count', 'comments', 'owner', 'tags', 'custom_fields',
            'created', 'last_updated',
        )  # fmt: skip
        # `file` as in netbox-attachments 12.x, whose scripts read it from brief and nested attachments.
        brief_fields = ('id', 'url', 'display', 'name', 'description', 'file', 'filename', 'size', 'download_url')
        list_serializer_class = PageListSerializer

    @cached_property
    def assignment_serializer(self):
        # One for all rows: building serializers is the costly part.
        return AttachmentAssignmentSerializer(context=self.context)

    def load_rows(self, attachments):
        shown = 'assignments' in self.fields  # else the links were not prefetched: leave them unloaded
        links = [a for attachment in attachments for a in attachment.visible_assignments] if shown else []
        if 'tags' in self.fields:
            preload_tags(attachments)
        preload_tags(links)
        preload_custom_field_objects(self.context, (self, attachments), (self.assignment_serializer, links))
        resolve_parents(links, self.context)

    @extend_schema_field(AttachmentAssignmentSerializer(many=True))
    def get_assignments(self, attachment):
        return [self.assignment_serializer.to_representation(a) for a in attachment.visible_assignments]

    @extend_schema_field(OpenApiTypes.INT)
    def get_assignment_count(self, attachment):
        # Lists and details annotate it; a freshly created or updated attachment is counted by the same annotation.
        if (count := getattr(attachment, 'assignment_count', None)) is None:
            count = attachments_with_counts().values_list('assignment_count', flat=True).get(pk=attachment.pk)
        return count

    def validate_file(self, file):
        return check_upload_size(file)


#
# Assignments
#


class NetBoxAttachmentAssignmentSerializer(LoadsRowsMixin, NetBoxModelSerializer):
    """A link from one attachment to one NetBox object. Deleting it (unlinking) keeps the attachment and its file."""

    url = APIURLField()
    display_url = UIURLField()
    attachment = NetBoxAttachmentSerializer(nested=True)
    object_type = ContentTypeField(queryset=ObjectType.objects.all())
    parent = serializers.SerializerMethodField(read_only=True)

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = ASSIGNMENT_FIELDS
        brief_fields = ('id', 'url', 'display', 'attachment', 'object_type', 'object_id')
        list_serializer_class = PageListSerializer
        # Duplicates are refused by the model's clean() with a message people understand; the database constraint
        # still answers races (see the view set).
        validators = []

    def load_rows(self, assignments):
        if 'tags' in self.fields:
            preload_tags(assignments)
        preload_custom_field_objects(self.context, (self, assignments))
        if 'parent' in self.fields:
            resolve_parents(assignments, self.context)

    @PARENT_FIELD
    def get_parent(self, assignment):
        return brief_parent(assignment, self.context)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # NetBox names an unknown attachment ID in its own words; validate() refuses a hidden one. Both get the
            # same message, so the answer does not tell which IDs exist.
            if isinstance(exc.detail, dict) and 'attachment' in exc.detail:
                exc.detail['attachment'] = [NO_SUCH_OBJECT]
            raise

    def validate(self, data):
        if self.instance is not None:
            for field in ('attachment', 'object_type', 'object_id'):
                if field in data and data[field] != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: 'The ends of an assignment cannot change: unlink it and link again.'}
                    )
        if (request := self.context.get('request')) is not None:
            attachment = data.get('attachment') if self.instance is None else None
            object_type = data.get('object_type')
            model = object_type.model_class() if object_type is not None else None
            hidden = hidden_link_ends(request.user, attachment, model, data.get('object_id'))
            if 'attachment' in hidden:
                raise serializers.ValidationError({'attachment': NO_SUCH_OBJECT})
            if 'object' in hidden:
                raise serializers.ValidationError({'object_id': NO_SUCH_OBJECT})
        return super().validate(data)


#
# Downloads
#


class SignedLinkSerializer(serializers.Serializer):
    """A URL that serves one file without session or token until it expires, for the user who asked for it."""

    url = serializers.URLField(read_only=True, help_text='Serves the file without session or token until it expires')
    expires = serializers.DateTimeField(read_only=True)
    expires_in = serializers.IntegerField(read_only=True, help_text='Seconds until the link expires')
