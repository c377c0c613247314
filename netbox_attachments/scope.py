"""Which object types may have attachments, and how each one shows them: one place for the plugin's settings."""

from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from netbox.models.features import model_is_public
from netbox.plugins import get_plugin_config
from utilities.views import get_viewname

PLUGIN = 'netbox_attachments'
SCOPES = ('app', 'model')
DISPLAY_TAB = 'additional_tab'
PANEL_POSITIONS = ('left_page', 'right_page', 'full_width_page')
DISPLAY_MODES = (DISPLAY_TAB, *PANEL_POSITIONS)


def setting(key):
    """A plugin setting. NetBox has merged the defaults (NetBoxAttachmentsConfig.default_settings) into
    PLUGINS_CONFIG at startup (PluginConfig.validate); tests that change settings merge them the same way."""
    return get_plugin_config(PLUGIN, key)


@cache
def has_detail_page(model):
    """True when NetBox has a detail view for the model; internal through-models have none."""
    try:
        reverse(get_viewname(model), kwargs={'pk': 1})
    except NoReverseMatch:
        return False
    return True


def is_in_scope(model):
    """True when objects of this model may have attachments under the current settings."""
    if model is None or model._meta.app_label == PLUGIN or not model_is_public(model):
        return False
    scope_filter = setting('scope_filter') or ()
    if setting('applied_scope') == 'model':
        selected = model._meta.label_lower in scope_filter
    else:
        selected = model._meta.app_label in scope_filter
    return selected and has_detail_page(model)


def models_in_scope():
    return [model for model in apps.get_models() if is_in_scope(model)]


def object_types_in_scope():
    """ObjectType rows of every in-scope model (created on demand, as NetBox does)."""
    from core.models import ObjectType

    return ObjectType.objects.filter(
        pk__in=[ot.pk for ot in ObjectType.objects.get_for_models(*models_in_scope()).values()]
    )


def display_mode(model):
    """Where this model's detail page shows attachments: 'additional_tab' or a panel position."""
    overrides = setting('display_setting') or {}
    return overrides.get(model._meta.label_lower, setting('display_default'))


def object_type_label(object_type):
    """'app_label > model', from the raw content type, so it reads the same when the model is gone."""
    return f'{object_type.app_label} > {object_type.model}'
