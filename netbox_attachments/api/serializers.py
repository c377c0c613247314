from core.models import ObjectType
from drf_spectacular.utils import extend_schema_field
from netbox.api.exceptions import SerializerNotFound
from netbox.api.fields import ContentTypeField
from netbox.api.serializers import NetBoxModelSerializer, PrimaryModelSerializer
from rest_framework import serializers
from utilities.api import get_serializer_for_model

from ..models import NetBoxAttachment, NetBoxAttachmentAssignment
from ..scope import user_may_view, visible_objects

NO_SUCH_OBJECT = 'No such object.'  # the same for missing and hidden objects, so IDs don't leak


class NetBoxAttachmentSerializer(PrimaryModelSerializer):
    size = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = NetBoxAttachment
        fields = (
            'id', 'url', 'display_url', 'display', 'name', 'description', 'file', 'size', 'content_type', 'sha256',
            'comments', 'owner', 'tags', 'custom_fields', 'created', 'last_updated',
        )  # fmt: skip
        brief_fields = ('id', 'url', 'display', 'name', 'description', 'size')


class NetBoxAttachmentAssignmentSerializer(NetBoxModelSerializer):
    attachment = NetBoxAttachmentSerializer(nested=True)
    object_type = ContentTypeField(queryset=ObjectType.objects.all())
    parent = serializers.SerializerMethodField(read_only=True)

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = (
            'id', 'url', 'display', 'attachment', 'object_type', 'object_id', 'parent', 'tags', 'custom_fields',
            'created', 'last_updated',
        )  # fmt: skip
        brief_fields = ('id', 'url', 'display', 'attachment', 'object_type', 'object_id')

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_parent(self, assignment):
        """The linked object, or null when it is broken, gone, or hidden from the reader."""
        parent = assignment.parent
        request = self.context.get('request')
        if parent is None or (request is not None and not user_may_view(request.user, parent)):
            return None
        try:
            serializer = get_serializer_for_model(parent)
        except SerializerNotFound:
            return None
        return serializer(parent, nested=True, context=self.context).data

    def validate(self, data):
        if self.instance is not None:
            for field in ('object_type', 'object_id'):
                if field in data and data[field] != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: 'The linked object of an assignment cannot change: unlink it and link again.'}
                    )
        object_type, object_id = data.get('object_type'), data.get('object_id')
        model = object_type.model_class() if object_type is not None else None
        request = self.context.get('request')
        known = model is not None and object_id is not None and request is not None
        if known and not visible_objects(request.user, model).filter(pk=object_id).exists():
            raise serializers.ValidationError({'object_id': NO_SUCH_OBJECT})
        return super().validate(data)
