from core.models import ObjectType
from netbox.api.fields import ContentTypeField
from netbox.api.gfk_fields import GFKSerializerField
from netbox.api.serializers import NetBoxModelSerializer, PrimaryModelSerializer
from rest_framework import serializers

from ..models import NetBoxAttachment, NetBoxAttachmentAssignment


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
    parent = GFKSerializerField(read_only=True, allow_missing_serializer=True)

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = (
            'id', 'url', 'display', 'attachment', 'object_type', 'object_id', 'parent', 'tags', 'custom_fields',
            'created', 'last_updated',
        )  # fmt: skip
        brief_fields = ('id', 'url', 'display', 'attachment', 'object_type', 'object_id')
