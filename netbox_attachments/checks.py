"""System checks for PLUGINS_CONFIG['netbox_attachments']: a wrong value is reported at startup, never ignored."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register

from .scope import DISPLAY_MODES, PLUGIN, SCOPES
from .signed_links import MAX_LIFETIME

# Shown inline, these could run script in the browser (the sandbox CSP limits that, but a download is safer).
SCRIPTABLE_TYPES = {'image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml'}


def _model_exists(label):
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


@register()
def check_plugin_settings(app_configs=None, **kwargs):
    from . import NetBoxAttachmentsConfig

    config = settings.PLUGINS_CONFIG.get(PLUGIN, {})
    defaults = NetBoxAttachmentsConfig.default_settings
    value = {**defaults, **config}
    problems = []

    def error(key, message, code):
        problems.append(Error(f"PLUGINS_CONFIG['{PLUGIN}']['{key}']: {message}", id=f'netbox_attachments.{code}'))

    def warning(key, message, code):
        problems.append(Warning(f"PLUGINS_CONFIG['{PLUGIN}']['{key}']: {message}", id=f'netbox_attachments.{code}'))

    for key in sorted(set(config) - set(defaults)):
        warning(key, f'unknown setting (known: {", ".join(sorted(defaults))}).', 'W001')

    scope = value['applied_scope']
    if scope not in SCOPES:
        error('applied_scope', f'{scope!r} is not one of {", ".join(map(repr, SCOPES))}.', 'E001')

    scope_filter = value['scope_filter']
    if not isinstance(scope_filter, list | tuple) or not all(isinstance(item, str) for item in scope_filter):
        error('scope_filter', 'must be a list of app labels or "app_label.model" strings.', 'E002')
    elif scope == 'app':
        for item in scope_filter:
            if '.' in item:
                warning('scope_filter', f'{item!r} names a model, but applied_scope is "app": it is ignored.', 'W002')
            elif not apps.is_installed(item) and item not in {c.label for c in apps.get_app_configs()}:
                warning('scope_filter', f'{item!r} is not an installed app label.', 'W003')
    elif scope == 'model':
        for item in scope_filter:
            if '.' not in item:
                warning(
                    'scope_filter', f'{item!r} is an app label, but applied_scope is "model": it is ignored.', 'W002'
                )
            elif not _model_exists(item):
                warning('scope_filter', f'{item!r} is not an installed model.', 'W004')

    if value['display_default'] not in DISPLAY_MODES:
        error('display_default', f'{value["display_default"]!r} is not one of {", ".join(DISPLAY_MODES)}.', 'E003')

    display_setting = value['display_setting']
    if not isinstance(display_setting, dict):
        error('display_setting', 'must be a dict of {"app_label.model": display mode}.', 'E004')
    else:
        for label, mode in display_setting.items():
            if mode not in DISPLAY_MODES:
                error('display_setting', f'{label!r}: {mode!r} is not one of {", ".join(DISPLAY_MODES)}.', 'E005')
            if not isinstance(label, str) or not _model_exists(label):
                warning('display_setting', f'{label!r} is not an installed model.', 'W004')

    if not isinstance(value['create_add_button'], bool):
        error('create_add_button', 'must be True or False.', 'E006')

    limit = value['max_upload_size']
    if limit is not None and (type(limit) is not int or limit <= 0):
        error('max_upload_size', 'must be a positive number of bytes, or None for no limit.', 'E007')

    lifetime = value['signed_link_lifetime']
    if type(lifetime) is not int or not 0 < lifetime <= MAX_LIFETIME:
        error('signed_link_lifetime', f'must be a whole number of seconds from 1 to {MAX_LIFETIME}.', 'E008')

    inline_types = value['inline_content_types']
    if not isinstance(inline_types, list | tuple) or not all(isinstance(item, str) for item in inline_types):
        error('inline_content_types', 'must be a list of media types such as "application/pdf".', 'E009')
    else:
        for item in inline_types:
            if item.lower() in SCRIPTABLE_TYPES:
                warning('inline_content_types', f'{item!r} can carry scripts; a download is safer.', 'W005')

    return problems
