import importlib
from io import StringIO

import pytest
from core.models import ObjectType
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from extras.choices import CustomFieldTypeChoices
from extras.models import CustomField

from netbox_attachments.checks import check_migration_history
from netbox_attachments.models import NetBoxAttachment

from .factories import make_attachment, make_user


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


#
# 0015's renaming of their related name in object permission constraints
#

REWRITE = importlib.import_module('netbox_attachments.migrations.0015_unique_file_and_stored_lookups')
ATTACHMENTS, ASSIGNMENTS = ['netboxattachment'], ['netboxattachmentassignment']


def renamed(constraints, models):
    return REWRITE.renamed_constraints(constraints, models, REWRITE.THEIR_LINKS, REWRITE.OUR_LINKS, permission=None)


@pytest.mark.parametrize(
    ('constraints', 'models', 'expected'),
    [
        (
            {'attachment_assignments__object_type__model': 'device'},
            ATTACHMENTS,
            {'assignments__object_type__model': 'device'},
        ),
        ({'attachment__attachment_assignments__object_id': 3}, ASSIGNMENTS, {'attachment__assignments__object_id': 3}),
        # OR-ed dicts, and values that are no dict, as NetBox stores them
        ([{'attachment_assignments': 1}, None, 3], ATTACHMENTS, [{'assignments': 1}, None, 3]),
        # a JSON key or a custom field of that name is no relation: never renamed
        (
            {'custom_field_data__attachment_assignments__isnull': True},
            ATTACHMENTS,
            {'custom_field_data__attachment_assignments__isnull': True},
        ),
        (
            {'attachment_assignments__object_type__attachment_assignments': 1},
            ATTACHMENTS,
            {'assignments__object_type__attachment_assignments': 1},
        ),
        # on assignments, only after `attachment`
        ({'attachment_assignments': 1}, ASSIGNMENTS, {'attachment_assignments': 1}),
    ],
)
def test_0015_renames_their_related_name_only_where_it_is_that_relation(constraints, models, expected):
    assert renamed(constraints, models) == expected
    back = REWRITE.renamed_constraints(expected, models, REWRITE.OUR_LINKS, REWRITE.THEIR_LINKS, permission=None)
    assert back == constraints


def test_0015_stops_rather_than_merge_two_conditions():
    class Permission:
        pk, name = 7, 'Mixed names'

    with pytest.raises(RuntimeError, match='Object permission 7'):
        REWRITE.renamed_constraints(
            {'attachment_assignments__object_id': 1, 'assignments__object_id': 2},
            ATTACHMENTS,
            REWRITE.THEIR_LINKS,
            REWRITE.OUR_LINKS,
            Permission(),
        )


@pytest.mark.django_db
def test_0015_keeps_what_a_constraint_on_a_custom_field_of_that_name_grants(media_root):
    """Found by review: renaming the JSON key widened what the permission grants."""
    field = CustomField.objects.create(name='attachment_assignments', type=CustomFieldTypeChoices.TYPE_TEXT)
    field.object_types.add(ObjectType.objects.get_for_model(NetBoxAttachment))
    restricted = make_attachment(name='Restricted', filename='restricted.txt')
    make_attachment(name='Unclassified', filename='unclassified.txt')
    NetBoxAttachment.objects.filter(pk=restricted.pk).update(custom_field_data={'attachment_assignments': 'secret'})
    username = make_user(
        None,
        'netbox_attachments.view_netboxattachment',
        constraints={
            'netbox_attachments.netboxattachment': {'custom_field_data__attachment_assignments__isnull': True}
        },
    ).username

    def visible():
        user = get_user_model().objects.get(username=username)  # a fresh permission cache
        return set(NetBoxAttachment.objects.restrict(user, 'view').values_list('name', flat=True))

    assert visible() == {'Unclassified'}
    REWRITE.rewrite_permission_lookups(REWRITE.THEIR_LINKS, REWRITE.OUR_LINKS)(global_apps, None)
    assert visible() == {'Unclassified'}
