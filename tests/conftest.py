import socket
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
def s3_endpoint():
    """A local S3-compatible server (moto in server mode), one per test run."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address='127.0.0.1', port=port, verbose=False)
    server.start()
    yield f'http://127.0.0.1:{port}'
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    """The attachments' storage becomes a fresh bucket on the S3-compatible server (querystring_auth on, as the
    README requires)."""
    import boto3

    bucket = f'attachments-{time.monotonic_ns()}'
    credentials = {'aws_access_key_id': 'testing', 'aws_secret_access_key': 'testing', 'region_name': 'us-east-1'}
    boto3.client('s3', endpoint_url=s3_endpoint, **credentials).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        'default': {
            'BACKEND': 'storages.backends.s3.S3Storage',
            'OPTIONS': {
                'bucket_name': bucket,
                'endpoint_url': s3_endpoint,
                'access_key': 'testing',
                'secret_key': 'testing',
                'region_name': 'us-east-1',
                'location': 'media',
                'file_overwrite': False,
            },
        },
    }
