"""The React front end: where django-webpack-loader finds the built bundles, and the configuration each page hands them.

The bundles are built from frontend/ into static/netbox_attachments/dist/, with their stats file beside this module
(outside static/, so it is not served). NetBox's configuration cannot set WEBPACK_LOADER, so the plugin registers its
own loader configuration under WEBPACK_CONFIG; templates load bundles with
`{% render_bundle 'object-widget' 'js' config='NETBOX_ATTACHMENTS' %}`.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from utilities.views import get_viewname

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


def _permissions(user):
    def perm(action, model):
        return user.has_perm(f'netbox_attachments.{action}_{model}')

    return {
        'addAttachment': perm('add', 'netboxattachment'),
        'changeAttachment': perm('change', 'netboxattachment'),
        'deleteAttachment': perm('delete', 'netboxattachment'),
        'addAssignment': perm('add', 'netboxattachmentassignment'),
        'deleteAssignment': perm('delete', 'netboxattachmentassignment'),
    }


def _common(request):
    return {
        # Paths in the generated API client start at /api/; a NetBox served under BASE_PATH needs its prefix.
        'basePath': '/' + settings.BASE_PATH.strip('/') if settings.BASE_PATH.strip('/') else '',
        # NetBox's CSRF cookie is HttpOnly, so the page hands the token over.
        'csrfToken': get_token(request),
        'maxUploadSize': setting('max_upload_size'),
        'inlineContentTypes': list(setting('inline_content_types')),
        'permissions': _permissions(request.user),
        'attachmentListUrl': reverse('plugins:netbox_attachments:netboxattachment_list'),
    }


def object_widget_config(request, obj):
    """What the attachment widget on an object's tab or panel needs to know."""
    object_type = ContentType.objects.get_for_model(obj)
    return {
        **_common(request),
        'object': {
            'type': f'{object_type.app_label}.{object_type.model}',
            'typeId': object_type.pk,
            'id': obj.pk,
            'display': str(obj),
            'typeLabel': str(obj._meta.verbose_name),
        },
    }


def widget_context(request, obj):
    """Template context of the widget on an object's tab or panel; no configuration when the bundles are not built."""
    # The widget lists attachments through the API, which needs view permission on them; without it the page keeps
    # the server-rendered table, which shows the same nothing.
    usable = bundles_built() and request.user.has_perm('netbox_attachments.view_netboxattachment')
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
        if api_url is None or not request.user.has_perm(f'{model._meta.app_label}.view_{model._meta.model_name}'):
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
    return {**_common(request), 'objectTypes': object_types}
