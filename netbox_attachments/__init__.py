"""NetBox plugin: attach files to any NetBox object."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from netbox.plugins import PluginConfig

try:
    __version__ = _version('netbox-attachments-ng')
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = '0.0.0'


class NetBoxAttachmentsConfig(PluginConfig):
    name = 'netbox_attachments'
    verbose_name = 'NetBox Attachments'
    description = 'Attach files to any NetBox object'
    version = __version__
    base_url = 'netbox-attachments'
    min_version = '4.7.0'
    # NetBox's /media/ view would serve attachment files to any logged-in user; this applies the download rule.
    middleware = ['netbox_attachments.middleware.AttachmentMediaMiddleware']
    default_settings = {
        # 'app': scope_filter lists app labels and every model of those apps with a detail page may have
        # attachments. 'model': scope_filter lists single models as 'app_label.model'.
        'applied_scope': 'app',
        # Which apps (or models, in 'model' scope) may have attachments.
        'scope_filter': ['dcim', 'ipam', 'circuits', 'tenancy', 'virtualization', 'wireless'],
        # Where object pages show attachments: 'additional_tab', or a panel in 'left_page', 'right_page' or
        # 'full_width_page'.
        'display_default': 'additional_tab',
        # Per-model display overrides, e.g. {'dcim.device': 'right_page'}.
        'display_setting': {},
        # Adds an "Add Attachment" button to the header of every in-scope object page.
        'create_add_button': True,
    }

    def ready(self):
        super().ready()
        from . import checks, signals  # noqa: F401  (both register themselves on import)
        from .views import register_object_tabs

        register_object_tabs()


config = NetBoxAttachmentsConfig
