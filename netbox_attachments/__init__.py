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
    # The release it is tested against (the compatibility table in docs/administrator-guide.md). It relies on
    # internals of NetBox, Django and DRF for speed and for the permission rules, so NetBox refuses to start it on
    # a release it was not tested on rather than let it misbehave.
    min_version = '4.7.0'
    max_version = '4.7.99'
    # NetBox's /media/ view would serve attachment files to any logged-in user: the guard applies the download
    # rule. Refused or rolled-back uploads must not leave their files behind.
    middleware = [
        'netbox_attachments.middleware.MediaGuardMiddleware',
        'netbox_attachments.middleware.UnclaimedUploadsMiddleware',
    ]
    # Loads the React bundles; the plugin gives it its configuration itself (see bundles.py).
    django_apps = ['webpack_loader']
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
        # Largest file accepted by upload (UI and API), in bytes; None for no limit of the plugin's own.
        'max_upload_size': 1024**3,
        # Types that `?inline=1` may display in the browser. Everything else is always sent as a download: SVG and
        # HTML are left out on purpose, as they can carry scripts.
        'inline_content_types': [
            'application/pdf',
            'image/avif',
            'image/bmp',
            'image/gif',
            'image/jpeg',
            'image/png',
            'image/webp',
            'text/plain',
        ],  # fmt: skip
        # Seconds a signed download link stays valid (at most 3600); API callers may ask for less.
        'signed_link_lifetime': 300,
        # Hand file bytes to the web server after the permission check: None (NetBox sends them), 'nginx'
        # (X-Accel-Redirect) or 'apache' (mod_xsendfile's X-Sendfile). Local file system storage only.
        'file_offload': None,
        # nginx: the `internal` location that maps to MEDIA_ROOT (see docs/administrator-guide.md).
        'file_offload_location': '/netbox-attachments-internal/',
    }

    def ready(self):
        super().ready()
        from . import checks, signals  # noqa: F401  (both register themselves on import)
        from .bundles import register_webpack_config
        from .views import register_object_tabs

        register_webpack_config()
        register_object_tabs()


config = NetBoxAttachmentsConfig
