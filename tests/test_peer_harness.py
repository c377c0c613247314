"""The harness behind the switch tests (dev/peer_plugin.py): a database written by netbox-attachments 12.0.0.

SLOW (about a minute): on first use it builds a virtualenv with their plugin from PyPI (cached in ~/.cache, about
30 s), then copies the template database, runs their `netbox migrate` and their writer. Everything the writer's
manifest names is then looked for from the outside, with psycopg queries and the files on disk, so a switch test
can trust the manifest. No pytest-django database: their plugin's database is not ours.
"""

import hashlib
import re

import pytest

from dev.live_server import databases_module
from dev.peer_plugin import PEER_MIGRATIONS, make_peer_database

DB_NAME = 'nba_peer_harness'
ATTACHMENT = 'netbox_attachments.netboxattachment'
ASSIGNMENT = 'netbox_attachments.netboxattachmentassignment'
TABLE = 'netbox_attachments_netboxattachment'

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def peer(tmp_path_factory):
    media = tmp_path_factory.mktemp('peer') / 'media'
    databases = databases_module()
    try:
        manifest = make_peer_database(DB_NAME, media)
        with databases.connect(DB_NAME) as db:
            yield manifest, db, media
    finally:
        with databases.connect() as conn:
            databases.drop(conn, DB_NAME)


@pytest.fixture(scope='module')
def manifest(peer):
    return peer[0]


@pytest.fixture(scope='module')
def db(peer):
    return peer[1]


def rows(db, sql, *params):
    return db.execute(sql, params).fetchall()


def column(db, sql, *params):
    return sorted(value for (value,) in rows(db, sql, *params))


def one(db, sql, *params):
    return db.execute(sql, params).fetchone()


def type_id(db, label):
    app_label, model = label.split('.')
    return one(db, 'SELECT id FROM django_content_type WHERE app_label = %s AND model = %s', app_label, model)[0]


def by_key(manifest):
    return {attachment['key']: attachment for attachment in manifest['attachments']}


def test_their_thirteen_migrations_are_recorded(manifest, db):
    assert (manifest['state'], manifest['peer_version'], manifest['database']) == ('0013', '12.0.0', DB_NAME)
    names = column(db, "SELECT name FROM django_migrations WHERE app = 'netbox_attachments'")
    assert names == PEER_MIGRATIONS
    # Their schema, not ours: no sha256 column, their constraint and index names.
    columns = column(db, 'SELECT column_name FROM information_schema.columns WHERE table_name = %s', TABLE)
    assert 'owner_id' in columns and 'sha256' not in columns
    assert one(db, "SELECT 1 FROM pg_constraint WHERE conname = 'unique_attachment_assignment'")
    assert one(db, "SELECT 1 FROM pg_indexes WHERE indexname = 'nba_assign_obj_type_id_idx'")


def test_the_object_types_and_netbox_objects_exist(manifest, db):
    for label, pk in manifest['object_types'].items():
        assert type_id(db, label) == pk
        assert one(db, 'SELECT 1 FROM core_objecttype WHERE contenttype_ptr_id = %s', pk)
    objects = manifest['netbox_objects']
    assert one(db, 'SELECT name FROM dcim_site WHERE id = %s', objects['site']['id']) == (objects['site']['name'],)
    for device in objects['devices']:
        assert one(db, 'SELECT name, site_id FROM dcim_device WHERE id = %s', device['id']) == (
            device['name'],
            objects['site']['id'],
        )


def test_every_attachment_row_and_file_is_there(peer):
    manifest, db, media = peer
    assert len(manifest['attachments']) == 7
    for attachment in manifest['attachments']:
        row = one(
            db,
            'SELECT name, file, size, description, owner_id, custom_field_data '
            'FROM netbox_attachments_netboxattachment WHERE id = %s',
            attachment['id'],
        )
        expected = [attachment[key] for key in ('name', 'file', 'size', 'description', 'owner_id', 'custom_field_data')]
        assert list(row) == expected, attachment['key']
        data = (media / attachment['file']).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (attachment['bytes'], attachment['sha256'])
    count = one(db, 'SELECT count(*) FROM netbox_attachments_netboxattachment')[0]
    assert count == len(manifest['attachments'])


def test_the_file_names_are_the_ones_their_plugin_makes(manifest):
    attachments = by_key(manifest)
    files = {key: attachment['file'] for key, attachment in attachments.items()}
    device = manifest['netbox_objects']['devices'][0]['id']
    # 12.x upload_to: the attachment's name plus the upload's suffixes, cleaned by the file system storage.
    assert files['pdf'] == 'netbox-attachments/Rack_3_installation_manual.pdf'
    assert files['odd_upload'] == 'netbox-attachments/-Übersicht_Rack_3_v1.2.final.tar.gz'
    assert re.fullmatch(r'netbox-attachments/Rack_3_installation_manual_\w{7}\.pdf', files['unlinked'])
    assert files['large'] == 'netbox-attachments/firmware-3.2.1.bin'
    assert attachments['large']['name'] == 'firmware-3.2.1.bin'  # their save() names an unnamed attachment
    # Names only an older release or another storage leaves behind.
    assert files['odd_stored'] == 'netbox-attachments/-Übersicht (Rack 3) v1.2.final.pdf'
    assert files['old_pattern'] == f'netbox-attachments/device_{device}_Rack_photo.jpg'
    assert attachments['size_null']['size'] is None
    assert attachments['large']['size'] == attachments['large']['bytes'] == 3 * 1024 * 1024
    assert attachments['unlinked']['links'] == []
    assert len(attachments['pdf']['links']) == 3


def test_every_assignment_is_there(manifest, db):
    found = rows(
        db,
        'SELECT id, attachment_id, object_type_id, object_id, custom_field_data '
        'FROM netbox_attachments_netboxattachmentassignment ORDER BY id',
    )
    expected = [
        (a['id'], a['attachment_id'], a['object_type_id'], a['object_id'], a['custom_field_data'])
        for a in manifest['assignments']
    ]
    assert found == sorted(expected)
    for a in manifest['assignments']:
        assert type_id(db, a['object_type']) == a['object_type_id']
    linked = {(link['object_type'], link['object_id']) for link in by_key(manifest)['pdf']['links']}
    assert {label for label, _ in linked} == {'dcim.device', 'dcim.site'} and len(linked) == 3


def test_tags_custom_fields_owner_and_journal(manifest, db):
    tags = {tag['slug']: tag['id'] for tag in manifest['tags']}
    for label, records in ((ATTACHMENT, manifest['attachments']), (ASSIGNMENT, manifest['assignments'])):
        for record in records:
            found = rows(
                db,
                'SELECT t.slug, t.id FROM extras_taggeditem i JOIN extras_tag t ON t.id = i.tag_id '
                'WHERE i.content_type_id = %s AND i.object_id = %s ORDER BY t.slug',
                type_id(db, label),
                record['id'],
            )
            assert found == [(slug, tags[slug]) for slug in record['tags']], record
    assert any(a['tags'] for a in manifest['assignments'])

    for field in manifest['custom_fields']:
        assert one(db, 'SELECT name, type FROM extras_customfield WHERE id = %s', field['id']) == (
            field['name'],
            field['type'],
        )
        types = column(
            db, 'SELECT contenttype_id FROM extras_customfield_object_types WHERE customfield_id = %s', field['id']
        )
        assert types == sorted(type_id(db, label) for label in field['object_types'])
    assert by_key(manifest)['pdf']['custom_field_data'] == {'peer_reference': 'RMA-42'}
    assert manifest['assignments'][0]['custom_field_data'] == {'peer_link_note': 'front panel'}

    owner = manifest['owner']
    assert one(db, 'SELECT name, group_id FROM users_owner WHERE id = %s', owner['id']) == (
        owner['name'],
        owner['group_id'],
    )
    assert one(db, 'SELECT name FROM users_ownergroup WHERE id = %s', owner['group_id']) == (
        manifest['owner_group']['name'],
    )
    assert by_key(manifest)['pdf']['owner_id'] == owner['id']

    for entry in manifest['journal_entries']:
        row = one(
            db,
            'SELECT assigned_object_type_id, assigned_object_id, kind, comments FROM extras_journalentry WHERE id = %s',
            entry['id'],
        )
        expected = (entry['assigned_object_id'], entry['kind'], entry['comments'])
        assert row == (type_id(db, entry['assigned_object_type']), *expected)


def test_their_signals_logged_every_creation(manifest, db):
    changes = {change['id']: change for change in manifest['object_changes']}
    found = rows(
        db,
        'SELECT id, action, changed_object_type_id, changed_object_id, user_id, request_id::text '
        'FROM core_objectchange WHERE request_id = %s',
        manifest['request_id'],
    )
    assert {row[0] for row in found} == set(changes)
    for pk, action, object_type, object_id, user_id, request_id in found:
        change = changes[pk]
        assert (action, object_type, object_id) == (
            change['action'],
            type_id(db, change['changed_object_type']),
            change['changed_object_id'],
        )
        assert (user_id, request_id) == (manifest['users']['peer-admin']['id'], manifest['request_id'])
    created = {(c['changed_object_type'], c['changed_object_id']) for c in changes.values() if c['action'] == 'create'}
    for label, records in ((ATTACHMENT, manifest['attachments']), (ASSIGNMENT, manifest['assignments'])):
        assert {(label, record['id']) for record in records} <= created


def test_permissions_and_what_users_keep(manifest, db):
    viewer = manifest['users']['peer-viewer']['id']
    for permission in manifest['permissions']:
        row = one(db, 'SELECT name, actions, constraints FROM users_objectpermission WHERE id = %s', permission['id'])
        assert row == (permission['name'], permission['actions'], permission['constraints'])
        types = column(
            db,
            'SELECT contenttype_id FROM users_objectpermission_object_types WHERE objectpermission_id = %s',
            permission['id'],
        )
        assert types == sorted(type_id(db, label) for label in permission['object_types'])
        users = column(
            db, 'SELECT user_id FROM users_user_object_permissions WHERE objectpermission_id = %s', permission['id']
        )
        assert users == permission['user_ids'] == [viewer]
    # Their related name, which our plugin renames (design doc, P5).
    assert manifest['permissions'][0]['constraints'] == {'attachment_assignments__object_type__model': 'device'}
    on_devices = {a['id'] for a in manifest['attachments'] if 'dcim.device' in {x['object_type'] for x in a['links']}}
    assert set(manifest['constraint_matches']) == on_devices

    saved = manifest['saved_filters'][0]
    assert one(db, 'SELECT slug, parameters FROM extras_savedfilter WHERE id = %s', saved['id']) == (
        saved['slug'],
        saved['parameters'],
    )
    attachment_type = type_id(db, ATTACHMENT)
    for table, record in (
        ('extras_bookmark', manifest['bookmarks'][0]),
        ('extras_subscription', manifest['subscriptions'][0]),
    ):
        row = one(db, f'SELECT object_type_id, object_id, user_id FROM {table} WHERE id = %s', record['id'])
        assert row == (attachment_type, record['object_id'], viewer)
    rule = manifest['event_rules'][0]
    types = column(db, 'SELECT contenttype_id FROM extras_eventrule_object_types WHERE eventrule_id = %s', rule['id'])
    assert types == sorted([attachment_type, type_id(db, ASSIGNMENT)])
    assert one(db, 'SELECT action_object_id FROM extras_eventrule WHERE id = %s', rule['id']) == (
        manifest['webhooks'][0]['id'],
    )
