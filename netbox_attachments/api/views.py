from netbox.api.viewsets import NetBoxModelViewSet

from .. import filtersets
from ..models import NetBoxAttachment, NetBoxAttachmentAssignment
from .serializers import NetBoxAttachmentAssignmentSerializer, NetBoxAttachmentSerializer


class NetBoxAttachmentViewSet(NetBoxModelViewSet):
    queryset = NetBoxAttachment.objects.all()
    serializer_class = NetBoxAttachmentSerializer
    filterset_class = filtersets.NetBoxAttachmentFilterSet


class NetBoxAttachmentAssignmentViewSet(NetBoxModelViewSet):
    queryset = NetBoxAttachmentAssignment.objects.select_related('attachment', 'object_type')
    serializer_class = NetBoxAttachmentAssignmentSerializer
    filterset_class = filtersets.NetBoxAttachmentAssignmentFilterSet

    def get_queryset(self):
        # Links of attachments the user may not view stay hidden, as in the UI.
        visible = NetBoxAttachment.objects.restrict(self.request.user, 'view')
        return super().get_queryset().filter(attachment__in=visible)
