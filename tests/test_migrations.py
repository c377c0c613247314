from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from netbox_attachments.checks import check_migration_history
from netbox_attachments.models import NetBoxAttachment

from .factories import make_attachment


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command('makemigrations', 'netbox_attachments', '--check', '--dry-run', stdout=out, stderr=out)


def codes(problems):
    return [problem.id for problem in problems]


@pytest.mark.django_db
def test_a_migrated_database_passes_the_history_check():
    assert codes(check_migration_history(databases=['default'])) == []


@pytest.mark.django_db
def test_migrations_of_a_newer_netbox_attachments_are_refused_by_name():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('netbox_attachments', '0014_from_12_1', now())"
        )
    [problem] = check_migration_history(databases=['default'])
    assert problem.id == 'netbox_attachments.E011'
    assert '0014_from_12_1' in problem.msg and '12.0.0' in problem.msg


@pytest.mark.django_db
def test_records_that_the_tables_contradict_are_an_error():
    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE netbox_attachments_netboxattachment DROP COLUMN sha256')  # rolled back
    assert codes(check_migration_history(databases=['default'])) == ['netbox_attachments.E012']


@pytest.mark.django_db
def test_records_without_a_checksum_are_a_warning_until_the_backfill(media_root):
    attachment = make_attachment()
    assert codes(check_migration_history(databases=['default'])) == []
    NetBoxAttachment.objects.filter(pk=attachment.pk).update(sha256='')
    [problem] = check_migration_history(databases=['default'])
    assert (problem.id, problem.hint) == ('netbox_attachments.W007', 'Run: netbox backfill_attachments')


def test_their_package_installed_beside_ours_is_an_error(tmp_path, monkeypatch):
    """Both install the package netbox_attachments: pip's record of theirs would delete our files."""
    assert codes(check_migration_history()) == []
    dist_info = tmp_path / 'netbox_attachments-12.0.0.dist-info'
    dist_info.mkdir()
    (dist_info / 'METADATA').write_text('Metadata-Version: 2.1\nName: netbox-attachments\nVersion: 12.0.0\n')
    monkeypatch.syspath_prepend(tmp_path)
    [problem] = check_migration_history()
    assert problem.id == 'netbox_attachments.E010' and 'pip uninstall netbox-attachments' in problem.hint
