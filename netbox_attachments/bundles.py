"""The React front end: where django-webpack-loader finds the built bundles, and the configuration each page hands them.

The bundles are built from frontend/ into static/netbox_attachments/dist/, with their stats file beside this module
(outside static/, so it is not served). NetBox's configuration cannot set WEBPACK_LOADER, so the plugin registers its
own loader configuration under WEBPACK_CONFIG; templates load a page's stylesheet and scripts with
`{% render_bundle 'object-widget' 'css' config='NETBOX_ATTACHMENTS' %}` and the same with 'js' (the shared vendor
chunk first, then the page's own script).
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers
from utilities.views import get_viewname

from .access import capabilities, may_view_model
from .scope import models_in_scope, setting

WEBPACK_CONFIG = 'NETBOX_ATTACHMENTS'
STATS_FILE = Path(__file__).resolve().parent / 'webpack-stats.json'
BUNDLE_DIR = 'netbox_attachments/dist/'


def register_webpack_config():
    """Add the plugin's entry to django-webpack-loader's configurations, keeping any the site defines itself."""
    from webpack_loader import config

    ignore = [r'.+\.hot-update\.js', r'.+\.map', r'.+\.LICENSE\.txt']
    config.user_config[WEBPACK_CONFIG] = {
        **config.DEFAULT_CONFIG['DEFAULT'],
        'BUNDLE_DIR_NAME': BUNDLE_DIR,
        'STATS_FILE': str(STATS_FILE),
        'IGNORE': ignore,
        'ignores': [re.compile(pattern) for pattern in ignore],
    }


def bundles_built():
    """True when a finished build is there. Without one (never built, a build running or failed) pages keep their
    server-rendered tables instead of failing."""
    try:
        return json.loads(STATS_FILE.read_text(encoding='utf-8')).get('status') == 'done'
    except (OSError, ValueError):
        return False


#
# The page configuration: its shape is declared once, by these serializers. The OpenAPI schema carries them as
# components (api/schema.py), so the front end's TypeScript types are generated from them with the API client.
#


class PageCapabilitiesSerializer(serializers.Serializer):
    """What the page may offer the user (access.Capabilities); the server checks each action again."""

    upload = serializers.BooleanField(help_text="Upload a file and link it to the page's object")
    uploadUnlinked = serializers.BooleanField(source='upload_unlinked', help_text='Upload without linking')
    link = serializers.BooleanField(help_text='Link an existing attachment')
    unlink = serializers.BooleanField()
    deleteEverywhere = serializers.BooleanField(source='delete', help_text='Delete an attachment with its file')


class PageCommonSerializer(serializers.Serializer):
    basePath = serializers.CharField(allow_blank=True, help_text="NetBox's BASE_PATH, '' or '/prefix'")
    csrfToken = serializers.CharField(help_text="NetBox's CSRF cookie is HttpOnly, so the page hands the token over")
    maxUploadSize = serializers.IntegerField(allow_null=True)
    inlineContentTypes = serializers.ListField(child=serializers.CharField())
    capabilities = PageCapabilitiesSerializer()
    attachmentListUrl = serializers.CharField()


class PageObjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="'app_label.model', e.g. 'dcim.device'")
    typeId = serializers.IntegerField()
    id = serializers.IntegerField()
    display = serializers.CharField()
    typeLabel = serializers.CharField()


class ObjectWidgetPageConfigSerializer(PageCommonSerializer):
    object = PageObjectSerializer()


class PageObjectTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    value = serializers.CharField(help_text="'app_label.model'")
    label = serializers.CharField()
    apiUrl = serializers.CharField(help_text="NetBox's REST list of these objects, which the object picker searches")


class ManagerPageConfigSerializer(PageCommonSerializer):
    objectTypes = PageObjectTypeSerializer(many=True)


def _common(request):
    return {
        # Paths in the generated API client start at /api/; a NetBox served under BASE_PATH needs its prefix.
        'basePath': '/' + settings.BASE_PATH.strip('/') if settings.BASE_PATH.strip('/') else '',
        'csrfToken': get_token(request),
        'maxUploadSize': setting('max_upload_size'),
        'inlineContentTypes': list(setting('inline_content_types')),
        'capabilities': capabilities(request.user),
        'attachmentListUrl': reverse('plugins:netbox_attachments:netboxattachment_list'),
    }


def object_widget_config(request, obj):
    """What the attachment widget on an object's tab or panel needs to know."""
    object_type = ContentType.objects.get_for_model(obj)
    config = {
        **_common(request),
        'object': {
            'type': f'{object_type.app_label}.{object_type.model}',
            'typeId': object_type.pk,
            'id': obj.pk,
            'display': str(obj),
            'typeLabel': str(obj._meta.verbose_name),
        },
    }
    return ObjectWidgetPageConfigSerializer(config).data


def widget_context(request, obj):
    """Template context of the widget on an object's tab or panel; no configuration when the bundles are not built."""
    # The widget lists attachments through the API, which needs view permission on them; without it the page keeps
    # the server-rendered table, which shows the same nothing.
    usable = bundles_built() and capabilities(request.user).view_attachments
    return {
        'widget_config': object_widget_config(request, obj) if usable else None,
        'widget_config_id': 'netbox-attachments-widget-config',
    }


def _api_list_url(model):
    try:
        return reverse(get_viewname(model, action='list', rest_api=True))
    except NoReverseMatch:
        return None


def manager_config(request):
    """What the manager page needs: the common settings and the object types the user may link attachments to."""
    object_types = []
    for model in sorted(models_in_scope(), key=lambda m: (m._meta.app_config.verbose_name, m._meta.verbose_name)):
        api_url = _api_list_url(model)
        # Object search runs on NetBox's own API, which applies the object permissions; a model the user may not
        # view at all is left out of the picker.
        if api_url is None or not may_view_model(request.user, model):
            continue
        object_type = ContentType.objects.get_for_model(model)
        object_types.append(
            {
                'id': object_type.pk,
                'value': f'{object_type.app_label}.{object_type.model}',
                'label': f'{model._meta.app_config.verbose_name} > {model._meta.verbose_name}',
                'apiUrl': api_url,
            }
        )
    return ManagerPageConfigSerializer({**_common(request), 'objectTypes': object_types}).data
