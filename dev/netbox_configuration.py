"""NetBox configuration for development: the test suite, the demo and the end-to-end suite.

Every connection setting comes from an environment variable with a local default, so the same file serves a
developer's machine and CI. Nothing here is fit for production: the secret key and peppers are public.
"""

import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name, default):
    return os.environ.get(name, default)


ALLOWED_HOSTS = ['*']

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': _env('NETBOX_DB_NAME', 'netbox_attachments_demo'),
        'USER': _env('NETBOX_DB_USER', 'postgres'),
        'PASSWORD': _env('NETBOX_DB_PASSWORD', ''),
        'HOST': _env('NETBOX_DB_HOST', '127.0.0.1'),
        'PORT': _env('NETBOX_DB_PORT', '5432'),
        'CONN_MAX_AGE': 300,
        # pytest-django names its database test_<NAME>; the set-up script creates it from the migrated template.
        'TEST': {'NAME': _env('NETBOX_TEST_DB_NAME', 'test_netbox_attachments')},
    }
}

_redis = {
    'HOST': _env('NETBOX_REDIS_HOST', '127.0.0.1'),
    'PORT': int(_env('NETBOX_REDIS_PORT', '6379')),
    'USERNAME': '',
    'PASSWORD': _env('NETBOX_REDIS_PASSWORD', ''),
    'SSL': False,
}
# Separate Redis databases keep the demo's cache and queues apart from the tests'.
REDIS = {
    'tasks': {**_redis, 'DATABASE': int(_env('NETBOX_REDIS_TASKS_DB', '0'))},
    'caching': {**_redis, 'DATABASE': int(_env('NETBOX_REDIS_CACHE_DB', '1'))},
}

# Development-only secrets: never reuse them on a real instance.
SECRET_KEY = 'dev-only-secret-key-netbox-attachments-0123456789abcdefghijklmnopqrstuvwxyz'
API_TOKEN_PEPPERS = {1: 'dev-only-pepper-netbox-attachments-0123456789abcdefghijklmnop'}

DEBUG = _env('NETBOX_DEBUG', '') == '1'
# makemigrations (and its --check used by the tests) refuses to run without DEVELOPER.
DEVELOPER = True
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
TIME_ZONE = 'UTC'

MEDIA_ROOT = _env('NETBOX_MEDIA_ROOT', str(REPO_ROOT / '.demo' / 'media'))
# Files in a bucket of an S3-compatible server instead (dev/s3_server.py), as on several hosts in production.
if _env('NETBOX_S3_ENDPOINT', ''):
    from dev.s3_server import s3_storage

    STORAGES = {'default': s3_storage(_env('NETBOX_S3_BUCKET', 'netbox-attachments'), _env('NETBOX_S3_ENDPOINT', ''))}
# Static files are collected to NETBOX_ROOT/static: NetBox does not take STATIC_ROOT from its configuration.

# The migrated template database is built without the plugin, so that a change to the plugin's migrations never
# forces NetBox's own (slow) migrations to run again.
PLUGINS = [] if _env('NETBOX_WITHOUT_PLUGIN', '') == '1' else ['netbox_attachments']
PLUGINS_CONFIG = {'netbox_attachments': json.loads(_env('NETBOX_ATTACHMENTS_CONFIG', '{}'))}
