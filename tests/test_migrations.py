from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command('makemigrations', 'netbox_attachments', '--check', '--dry-run', stdout=out, stderr=out)


def test_the_history_is_one_initial_migration():
    """A single initial migration keeps room for a path from the existing netbox-attachments plugin's history."""
    from pathlib import Path

    import netbox_attachments

    migrations = sorted(p.name for p in (Path(netbox_attachments.__file__).parent / 'migrations').glob('0*.py'))
    assert migrations == ['0001_initial.py']
