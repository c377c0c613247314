"""System checks: a wrong value in PLUGINS_CONFIG['netbox_attachments'] is reported at startup, never ignored, and
so is a database whose state of this app `netbox migrate` cannot bring forward (run before migrate applies anything).
"""

import re
from contextlib import suppress
from importlib.metadata import PackageNotFoundError, distribution

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from .downloads import SCRIPTABLE_TYPES, presigns_privately
from .scope import DISPLAY_MODES, PLUGIN, SCOPES
from .signed_links import MAX_LIFETIME

OFFLOAD_MODES = (None, 'nginx', 'apache', 'presigned')
OFFLOAD_LOCATION = re.compile(r'^/(?:[A-Za-z0-9._/-]*/)?$')


def _model_exists(label):
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


@register()
def check_plugin_settings(app_configs=None, **kwargs):
    from . import NetBoxAttachmentsConfig

    value = settings.PLUGINS_CONFIG.get(PLUGIN, {})  # with the defaults: NetBox merged them at startup
    defaults = NetBoxAttachmentsConfig.default_settings
    problems = []

    def error(key, message, code):
        problems.append(Error(f"PLUGINS_CONFIG['{PLUGIN}']['{key}']: {message}", id=f'netbox_attachments.{code}'))

    def warning(key, message, code):
        problems.append(Warning(f"PLUGINS_CONFIG['{PLUGIN}']['{key}']: {message}", id=f'netbox_attachments.{code}'))

    for key in sorted(set(value) - set(defaults)):
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

    offload = value['file_offload']
    if offload not in OFFLOAD_MODES:
        error('file_offload', f'{offload!r} is not one of {", ".join(map(repr, OFFLOAD_MODES))}.', 'E013')
    location = value['file_offload_location']
    if not isinstance(location, str) or not OFFLOAD_LOCATION.match(location):
        error(
            'file_offload_location',
            f'{location!r} must be a URL path that starts and ends with "/", such as "/netbox-attachments-internal/" '
            f'(letters, digits, "-", "_", "." and "/" only).',
            'E014',
        )
    elif location.split('/')[1] in ('', 'media', 'static', 'api') or '/.' in location or '//' in location:
        error(
            'file_offload_location',
            f'{location!r} must be a path of its own: NetBox answers /media/, /static/ and /api/ itself, and the '
            f'web server must keep this location internal.',
            'E014',
        )

    from django.core.files.storage import FileSystemStorage, default_storage

    if (offload in ('nginx', 'apache') and not isinstance(default_storage, FileSystemStorage)) or (
        offload == 'presigned' and not presigns_privately(default_storage)
    ):
        wanted = (
            'the local file system'
            if offload in ('nginx', 'apache')
            else ("django-storages' S3 backend with querystring_auth on and no custom_domain")
        )
        warning(
            'file_offload',
            f"{offload!r} applies to {wanted}, not to STORAGES['default'] ({type(default_storage).__name__}): "
            'files are streamed through NetBox.',
            'W008',
        )

    if getattr(default_storage, 'gzip', False):
        problems.append(
            Warning(
                "STORAGES['default'] compresses files (django-storages' gzip option): attachments of the types it "
                'compresses (CSS, JavaScript, SVG by default) would download as compressed bytes. Turn gzip off.',
                id='netbox_attachments.W006',
            )
        )

    inline_types = value['inline_content_types']
    if not isinstance(inline_types, list | tuple) or not all(isinstance(item, str) for item in inline_types):
        error('inline_content_types', 'must be a list of media types such as "application/pdf".', 'E009')
    else:
        for item in inline_types:
            if item.lower() in SCRIPTABLE_TYPES:
                warning('inline_content_types', f'{item!r} can carry scripts; a download is safer.', 'W005')

    return problems


APP = 'netbox_attachments'
THEIR_DISTRIBUTION = 'netbox-attachments'
THEIR_LAST_SUPPORTED = 'netbox-attachments 12.0.0 (its migration 0013)'


def _installed(name):
    try:
        distribution(name)
    except PackageNotFoundError:
        return False
    return True


@register(Tags.database)
def check_migration_history(app_configs=None, databases=None, **kwargs):
    """The state of this app's migrations in each database: errors for what migrate would get wrong or not see.

    Django ignores recorded migration names it does not know; a database of another plugin with this app label
    (netbox-attachments, which this plugin's history continues up to its 12.x) would otherwise look migrated.
    """
    problems = []
    if _installed(THEIR_DISTRIBUTION):
        problems.append(
            Error(
                f'The {THEIR_DISTRIBUTION} package is installed beside this plugin; both install the Python package '
                f'{APP}, so their files replace each other.',
                hint=f'pip uninstall {THEIR_DISTRIBUTION}, then reinstall this plugin: pip install --force-reinstall '
                f'--no-deps netbox-attachments-ng',
                id='netbox_attachments.E010',
            )
        )
    for alias in databases or ():
        # No database yet or no access: Django's own checks and migrate report that.
        with suppress(DatabaseError):
            problems += _database_problems(connections[alias])
    return problems


def _database_problems(connection):
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {name for app, name in loader.graph.nodes if app == APP}
    recorded = {name for app, name in loader.applied_migrations if app == APP}
    problems = []
    if unknown := sorted(recorded - ours):
        problems.append(
            Error(
                f'Database {connection.alias!r} records migrations of the app {APP} that this plugin does not have: '
                f'{", ".join(unknown)}. They come from a newer release of netbox-attachments or another plugin '
                f'with this app label; this plugin continues the history of {THEIR_LAST_SUPPORTED}.',
                hint=f'Go back to the plugin that made them, or restore the backup taken before it; to switch, '
                f'first install {THEIR_LAST_SUPPORTED} and migrate its app back to 0013 '
                f'(netbox migrate {APP} 0013).',
                id='netbox_attachments.E011',
            )
        )
    table = apps.get_model(APP, 'NetBoxAttachment')._meta.db_table
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        columns = (
            {column.name for column in connection.introspection.get_table_description(cursor, table)}
            if table in tables
            else set()
        )
    if (recorded and table not in tables) or ('0014_schema_of_this_plugin' in recorded and 'sha256' not in columns):
        problems.append(
            Error(
                f'Database {connection.alias!r} records migrations of {APP} that its tables do not match (table '
                f'{table} {"lacks the sha256 column" if table in tables else "is missing"}).',
                hint='The migration records were changed by hand (migrate --fake) or a backup was restored '
                'partly; restore a consistent backup.',
                id='netbox_attachments.E012',
            )
        )
    # Migrations still to apply are no problem here: migrate runs these checks before it applies them, and
    # runserver already says so.
    elif recorded == ours and _backfill_pending(connection):
        problems.append(
            Warning(
                f'Some attachments in database {connection.alias!r} have no checksum yet (records adopted from '
                f'netbox-attachments): they download without an ETag.',
                hint='Run: netbox backfill_attachments',
                id='netbox_attachments.W007',
            )
        )
    return problems


def _backfill_pending(connection):
    from .backfill import pending

    return pending().using(connection.alias).exists()
