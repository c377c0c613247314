"""Serializer fields: those that keep long lists fast, and the file URL that keeps files behind the permission check."""

from django.urls import reverse
from django.utils.encoding import filepath_to_uri
from netbox.api.serializers.fields import NetBoxAPIHyperlinkedIdentityField, NetBoxURLHyperlinkedIdentityField
from rest_framework.serializers import FileField, HyperlinkedIdentityField


class ReverseOnceMixin:
    """Reverses the URL of the first object of each model once, then fills in the others' keys.

    A list of 1,000 attachments with 3 links each holds about 9,000 object URLs; resolving each one through Django's
    URL resolver was a quarter of the response time. The URL of one object differs from another's of the same model
    only in the key, so the first result serves as the template.
    """

    def get_url(self, obj, view_name, request, format):
        pk = getattr(obj, 'pk', None)
        if pk in (None, '') or self.lookup_field != 'pk':
            return super().get_url(obj, view_name, request, format)
        templates = self.__dict__.setdefault('_url_templates', {})
        key = (type(obj), format)
        if key in templates:
            prefix, suffix = templates[key] or (None, None)
            if prefix is not None:
                return f'{prefix}{pk}{suffix}'
            return super().get_url(obj, view_name, request, format)
        url = super().get_url(obj, view_name, request, format)
        segment = f'/{pk}/'
        at = url.rfind(segment) if url else -1
        templates[key] = (url[: at + 1], url[at + len(segment) - 1 :]) if at >= 0 else None
        return url


class APIURLField(ReverseOnceMixin, NetBoxAPIHyperlinkedIdentityField):
    pass


class UIURLField(ReverseOnceMixin, NetBoxURLHyperlinkedIdentityField):
    pass


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
            self._media_prefix = reverse('media', kwargs={'path': '-'})[:-1]
        url = self._media_prefix + filepath_to_uri(value.name)
        request = self.context.get('request')
        return request.build_absolute_uri(url) if request else url
