import time

import pytest
from django.test import override_settings

from .helpers import plugin_config

# Django's default hasher spends about half a second on every password it sets (create_user, create_superuser).
# Tests sign in with force_login and never check a password, so a fast one saves that on every user they make.
FAST_HASHER = 'django.contrib.auth.hashers.MD5PasswordHasher'


@pytest.fixture(scope='session', autouse=True)
def fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        yield


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Every test stores files in its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / 'media')
    return tmp_path / 'media'


@pytest.fixture
def plugin_settings():
    """Run part of a test with other plugin settings: `with plugin_settings(display_default='right_page'):`."""

    def override(**values):
        return override_settings(PLUGINS_CONFIG={'netbox_attachments': plugin_config(**values)})

    return override


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser('admin', 'admin@example.com', 'pw')


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope='session')
def s3():
    """An S3-compatible server (moto's server mode) as a separate process, one per test run (dev/s3_server.py)."""
    from dev.s3_server import s3_server

    with s3_server() as server:
        yield server


@pytest.fixture(scope='session')
def s3_endpoint(s3):
    return s3.endpoint


@pytest.fixture
def s3_storage(settings, s3):
    """The attachments' storage becomes a fresh bucket on the S3-compatible server, configured as the administrator
    guide asks (presigned storage URLs, no overwriting)."""
    from dev.s3_server import s3_storage

    bucket = s3.create_bucket(f'attachments-{time.monotonic_ns()}')
    settings.STORAGES = {**settings.STORAGES, 'default': s3_storage(bucket, s3.endpoint)}
    return bucket


@pytest.fixture(params=['local', 's3'])
def storage(request, media_root):
    """The attachments' storage, once the test's own MEDIA_ROOT and once a fresh bucket on the S3-compatible server:
    a test that takes it runs on both, so a file rule is written once and holds wherever production keeps files.
    `storage.kind` says which one a test got."""
    from netbox_attachments.models import NetBoxAttachment

    if request.param == 's3':
        request.getfixturevalue('s3_storage')
    storage = NetBoxAttachment._meta.get_field('file').storage
    expected = {'local': 'FileSystemStorage', 's3': 'S3Storage'}[request.param]
    assert storage.__class__.__name__ == expected  # __class__ looks through Django's lazy default_storage
    storage.kind = request.param
    return storage
