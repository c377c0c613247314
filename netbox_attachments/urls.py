from django.urls import include, path
from utilities.urls import get_model_urls

from . import views

urlpatterns = (
    path('netbox-attachments/', include(get_model_urls('netbox_attachments', 'netboxattachment', detail=False))),
    path('netbox-attachments/<int:pk>/', include(get_model_urls('netbox_attachments', 'netboxattachment'))),
    path(
        'netbox-attachment-assignments/',
        include(get_model_urls('netbox_attachments', 'netboxattachmentassignment', detail=False)),
    ),
    path(
        'netbox-attachment-assignments/<int:pk>/',
        include(get_model_urls('netbox_attachments', 'netboxattachmentassignment')),
    ),
    path('netbox-attachment-panel/', views.ObjectAttachmentsPanelView.as_view(), name='netboxattachment_panel_list'),
    # netbox-attachments 12.x's "Link existing" page, under its name: a redirect to the assignment form.
    path('netbox-attachments/link/', views.PeerLinkRedirectView.as_view(), name='netboxattachment_link'),
)
