from django.urls import path
from netbox.api.routers import NetBoxRouter

from . import views

app_name = 'netbox_attachments'

router = NetBoxRouter()
router.register('netbox-attachments', views.NetBoxAttachmentViewSet)
router.register('netbox-attachment-assignments', views.NetBoxAttachmentAssignmentViewSet)
# Only the download and signed-link actions: the metadata stays at NetBox's /api/extras/image-attachments/.
router.register('image-attachments', views.ImageAttachmentFileViewSet, basename='imageattachment-file')

urlpatterns = [
    *router.urls,
    path('signed/<str:token>/', views.SignedDownloadView.as_view({'get': 'retrieve'}), name='signed_download'),
]
