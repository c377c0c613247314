from netbox.search import SearchIndex

from .models import NetBoxAttachment


class NetBoxAttachmentIndex(SearchIndex):
    model = NetBoxAttachment
    fields = (
        ('name', 100),
        ('file', 200),
        ('description', 500),
        ('comments', 5000),
    )
    display_attrs = ('description', 'size')


indexes = (NetBoxAttachmentIndex,)
