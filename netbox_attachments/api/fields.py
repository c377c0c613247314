"""Serializer fields: the download URL, and the file URL that keeps files behind the permission check.

The URL fields that keep long lists fast (APIURLField, UIURLField, ReverseOnceMixin) are in internals.py.
"""

from django.utils.encoding import filepath_to_uri
from rest_framework.serializers import FileField, HyperlinkedIdentityField

from ..internals import ReverseOnceMixin, media_url_prefix


class DownloadURLField(ReverseOnceMixin, HyperlinkedIdentityField):
    """The API URL that serves an attachment's bytes."""

    def __init__(self, **kwargs):
        super().__init__(view_name='plugins-api:netbox_attachments-api:netboxattachment-download', **kwargs)


class GuardedFileField(FileField):
    """Takes an upload; reads as the file's URL under NetBox's /media/ route, whatever the storage.

    That route serves an attachment's file only to users who may view the attachment (MediaGuardMiddleware), from
    any storage. The storage's own URL is not used: on S3 with querystring_auth it is a presigned link that serves
    the file to anyone who holds it, and NetBox hands brief attachments to readers who may not view them (object
    custom fields, journal entries, change records).
    """

    def to_representation(self, value):
        if not value:
            return None
        if '_media_prefix' not in self.__dict__:  # reversed once per serializer, as ReverseOnceMixin does
            self._media_prefix = media_url_prefix()
        url = self._media_prefix + filepath_to_uri(value.name)
        request = self.context.get('request')
        return request.build_absolute_uri(url) if request else url
