import pytest
from django.test import override_settings

from netbox_attachments import NetBoxAttachmentsConfig


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Every test stores files in its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / 'media')
    return tmp_path / 'media'


@pytest.fixture
def plugin_settings():
    """Run part of a test with other plugin settings: `with plugin_settings(display_default='right_page'):`."""

    def override(**values):
        config = {**NetBoxAttachmentsConfig.default_settings, **values}
        return override_settings(PLUGINS_CONFIG={'netbox_attachments': config})

    return override


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser('admin', 'admin@example.com', 'pw')


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
