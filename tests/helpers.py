"""URLs and response helpers that tests of several concerns share (object factories are in factories.py)."""

from django.conf import settings
from django.urls import reverse

from netbox_attachments import NetBoxAttachmentsConfig

from .factories import make_user

ATTACHMENT_LIST = '/plugins/netbox-attachments/netbox-attachments/'
ASSIGNMENT_LIST = '/plugins/netbox-attachments/netbox-attachment-assignments/'
PANEL = '/plugins/netbox-attachments/netbox-attachment-panel/'
API = '/api/plugins/netbox-attachments/'
API_ATTACHMENTS = f'{API}netbox-attachments/'
API_ASSIGNMENTS = f'{API}netbox-attachment-assignments/'


def url(name, **kwargs):
    return reverse(f'plugins:netbox_attachments:{name}', kwargs=kwargs or None)


def panel_url(obj):
    from core.models import ObjectType

    return f'{PANEL}?object_type_id={ObjectType.objects.get_for_model(obj).pk}&object_id={obj.pk}'


def embedded_url(obj):
    """The table of an object's attachments, as its tab and panel load it: NetBox's embedded assignment list."""
    from core.models import ObjectType

    object_type = ObjectType.objects.get_for_model(obj)
    return f'{ASSIGNMENT_LIST}?embedded=True&object_type_id={object_type.pk}&object_id={obj.pk}'


def download_url(attachment):
    return f'{API_ATTACHMENTS}{attachment.pk}/download/'


def login(client, *permissions, constraints=None):
    client.force_login(make_user(None, *permissions, constraints=constraints))
    return client


def body(response):
    """The bytes of a response, streamed or not."""
    return b''.join(response.streaming_content) if response.streaming else response.content


def text(response):
    return body(response).decode()


def plugin_config(**values):
    """PLUGINS_CONFIG['netbox_attachments'] as NetBox makes it at startup from these values: its own merge of the
    plugin's default settings (PluginConfig.validate)."""
    config = dict(values)
    NetBoxAttachmentsConfig.validate(config, settings.RELEASE.version)
    return config
