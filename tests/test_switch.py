"""Switching in place (issue 13): every database this app can meet migrates forward with `netbox migrate` alone.

A database of netbox-attachments at the end of its history (12.x), or at an earlier state that runs on NetBox 4.7,
and a database made by this plugin's own earlier `0001_initial`, each become exactly the schema a fresh database
gets, keeping every record, link and file. What cannot be brought forward is refused before anything is changed.

These tests use no in-process database: each works on a database of its own, copied from the template (NetBox
migrated without the plugin, dev/databases.py), and runs `netbox migrate` and the servers as an administrator would.
The databases of netbox-attachments are written by that plugin's own code from PyPI (dev/peer_plugin.py).
"""

import hashlib
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from dev.live_server import BIN, REPO, databases_module, live_server, server_env
from dev.peer_plugin import make_peer_database, run_in_peer

databases = databases_module()
TABLES = ('netbox_attachments_netboxattachment', 'netbox_attachments_netboxattachmentassignment')
OUR_EARLIER_0001 = Path(__file__).parent / 'data' / '0001_initial_before_issue_13.sql'
API = '/api/plugins/netbox-attachments/netbox-attachments/'
TIMEOUT = 30
PEER_SCRIPT = Path(__file__).parent / 'peer_script.py'
UNIQUE_FILE_INDEX = 'CREATE UNIQUE INDEX "netbox_attachments_unique_file"'


def copy_of_template(name):
    with databases.connect() as conn:
        databases.ensure_template(conn)
        databases.copy(conn, name, databases.TEMPLATE)
    return name


def drop(name):
    with databases.connect() as conn:
        databases.drop(conn, name)


def netbox(db_name, media_root, *args, check=True):
    """A netbox command against db_name, as an administrator runs it; its output (stdout and stderr together)."""
    process = subprocess.run(
        [str(BIN / 'netbox'), *args],
        env=server_env(db_name, media_root, redis_dbs=(6, 7)),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    output = process.stdout + process.stderr
    if check:
        assert process.returncode == 0, output
    return process.returncode, output


def schema_of(db_name):
    """Columns, constraints and indexes of the plugin's tables, in a form two databases can be compared in."""
    with databases.connect(db_name) as conn:
        columns = conn.execute(
            'SELECT table_name, column_name, data_type, character_maximum_length, is_nullable '
            'FROM information_schema.columns WHERE table_name = ANY(%s) ORDER BY 1, 2',
            [list(TABLES)],
        ).fetchall()
        constraints = conn.execute(
            'SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint '
            'WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2',
            [list(TABLES)],
        ).fetchall()
        indexes = conn.execute(
            'SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2',
            [list(TABLES)],
        ).fetchall()
    return {'columns': columns, 'constraints': constraints, 'indexes': indexes}


def recorded_migrations(db_name):
    with databases.connect(db_name) as conn:
        rows = conn.execute("SELECT name FROM django_migrations WHERE app = 'netbox_attachments' ORDER BY name")
        return [name for (name,) in rows]


def our_migrations():
    return sorted(p.stem for p in (REPO / 'netbox_attachments' / 'migrations').glob('0*.py'))


@pytest.fixture(scope='module')
def fresh_schema(tmp_path_factory):
    """The schema `netbox migrate` gives a database that never had the plugin: what every switch must reach."""
    name = copy_of_template('nba_switch_fresh')
    try:
        netbox(name, tmp_path_factory.mktemp('fresh'), 'migrate', '--no-input')
        assert recorded_migrations(name) == our_migrations()
        yield schema_of(name)
    finally:
        drop(name)


def test_the_fresh_schema_is_the_one_of_the_models(fresh_schema):
    """The reference the other tests compare with: the models' constraints and indexes, by name."""
    names = {name for _, name, _ in fresh_schema['constraints']} | {name for _, name, _ in fresh_schema['indexes']}
    assert {'netbox_attachments_unique_file', 'netbox_attachments_unique_assignment', 'netbox_atta_object_idx'} <= names
    assert not {'unique_attachment_assignment', 'nba_assign_obj_type_id_idx'} & names


# --- A database made by this plugin's earlier 0001_initial ------------------------------------------------------


OUR_EARLIER_FILES = [('manual.pdf', b'%PDF-1.4 manual'), ('plan.png', b'\x89PNG')]


def make_our_earlier_database(name, media_root, *, unique_file_index):
    """A copy of the template with the tables of our earlier 0001_initial and a few records with their files."""
    copy_of_template(name)
    sql = OUR_EARLIER_0001.read_text()
    if not unique_file_index:  # the 0001 of before issue 12
        sql = '\n'.join(line for line in sql.splitlines() if not line.startswith(UNIQUE_FILE_INDEX))
    folder = Path(media_root) / 'netbox-attachments'
    folder.mkdir(parents=True, exist_ok=True)
    with databases.connect(name) as conn:
        conn.execute(sql)
        site_type = conn.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'dcim' AND model = 'site'"
        ).fetchone()[0]
        for pk, (filename, content) in enumerate(OUR_EARLIER_FILES, 1):
            (folder / filename).write_bytes(content)
            conn.execute(
                'INSERT INTO netbox_attachments_netboxattachment (id, created, last_updated, custom_field_data, '
                "description, comments, name, file, size, content_type, sha256) VALUES (%s, now(), now(), '{}', "
                "'', '', %s, %s, %s, 'application/octet-stream', %s)",
                [pk, filename, f'netbox-attachments/{filename}', len(content), hashlib.sha256(content).hexdigest()],
            )
            conn.execute(
                'INSERT INTO netbox_attachments_netboxattachmentassignment (created, last_updated, custom_field_data, '
                "object_id, attachment_id, object_type_id) VALUES (now(), now(), '{}', %s, %s, %s)",
                [pk, pk, site_type],
            )


def rows_of(db_name):
    with databases.connect(db_name) as conn:
        return {table: conn.execute(f'SELECT * FROM {table} ORDER BY id').fetchall() for table in TABLES}


@pytest.mark.parametrize('unique_file_index', [True, False], ids=['after-issue-12', 'before-issue-12'])
def test_a_database_of_our_earlier_0001_migrates_to_the_fresh_schema(fresh_schema, tmp_path, unique_file_index):
    name = 'nba_switch_ours_earlier'
    make_our_earlier_database(name, tmp_path, unique_file_index=unique_file_index)
    try:
        before = rows_of(name)
        netbox(name, tmp_path, 'migrate', '--no-input')
        assert recorded_migrations(name) == our_migrations()
        assert schema_of(name) == fresh_schema
        assert rows_of(name) == before
        with serving(name, tmp_path) as server:
            for pk, (filename, content) in enumerate(OUR_EARLIER_FILES, 1):
                response = get(server, f'{API}{pk}/download/', 'switch-admin')
                assert (response.status_code, response.content) == (200, content), filename
    finally:
        drop(name)


# --- What cannot be brought forward is refused before anything changes ------------------------------------------


def test_migrations_of_a_newer_netbox_attachments_stop_migrate_before_it_changes_anything(tmp_path):
    name = copy_of_template('nba_switch_unknown')
    try:
        with databases.connect(name) as conn:
            conn.execute(
                'INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())',
                ['netbox_attachments', '0014_from_12_1'],
            )
        code, output = netbox(name, tmp_path, 'migrate', '--no-input', check=False)
        assert code != 0
        assert 'netbox_attachments.E011' in output and '0014_from_12_1' in output and '12.0.0' in output
        assert recorded_migrations(name) == ['0014_from_12_1']
    finally:
        drop(name)


def insert_attachment(conn, pk, file):
    conn.execute(
        'INSERT INTO netbox_attachments_netboxattachment (id, created, last_updated, custom_field_data, file, name, '
        "comments, description) VALUES (%s, now(), now(), '{}', %s, '', '', '')",
        [pk, file],
    )


def test_files_shared_by_several_records_stop_the_switch_with_their_ids_until_resolved(tmp_path, fresh_schema):
    """netbox-attachments let two records name one file; this plugin's rule (deleting a record deletes its file)
    would then delete another record's file. The switch stops at that step and says which records to resolve."""
    name = copy_of_template('nba_switch_shared_file')
    try:
        netbox(name, tmp_path, 'migrate', '--no-input', 'netbox_attachments', '0013')  # their 12.x schema
        with databases.connect(name) as conn:
            for pk, file in [(1, 'netbox-attachments/a.pdf'), (2, 'netbox-attachments/a.pdf'), (3, '')]:
                insert_attachment(conn, pk, file)
        code, output = netbox(name, tmp_path, 'migrate', '--no-input', check=False)
        assert code != 0
        assert "Shared files: 'netbox-attachments/a.pdf' (attachments 1, 2)" in output
        assert recorded_migrations(name) == our_migrations()[:-1]  # 0014 is in; 0015 waits
        with databases.connect(name) as conn:
            conn.execute('DELETE FROM netbox_attachments_netboxattachment WHERE id = 2')
        netbox(name, tmp_path, 'migrate', '--no-input')
        assert schema_of(name) == fresh_schema
    finally:
        drop(name)


# --- A database of netbox-attachments 12.x, written by its own code ----------------------------------------------

# What must come through the switch unchanged, as rows: (label, query). Sizes are compared apart (the backfill
# fills those that are null), and so are permission constraints and saved filters' parameters, which are renamed.
KEPT = {
    'attachments': 'SELECT id, created, last_updated, custom_field_data, name, description, comments, file, owner_id '
    'FROM netbox_attachments_netboxattachment ORDER BY id',
    'assignments': 'SELECT * FROM netbox_attachments_netboxattachmentassignment ORDER BY id',
    'content types': "SELECT id, model FROM django_content_type WHERE app_label = 'netbox_attachments' ORDER BY id",
    'tags': 'SELECT object_id, content_type_id, tag_id FROM extras_taggeditem ORDER BY 1, 2, 3',
    'journal entries': 'SELECT id, assigned_object_type_id, assigned_object_id, kind, comments '
    'FROM extras_journalentry ORDER BY id',
    'change log': 'SELECT id, changed_object_type_id, changed_object_id, action, object_repr, request_id, '
    'postchange_data FROM core_objectchange ORDER BY id',
    'permissions': 'SELECT p.id, p.name, p.actions, array_agg(t.contenttype_id ORDER BY t.contenttype_id) '
    'FROM users_objectpermission p JOIN users_objectpermission_object_types t ON t.objectpermission_id = p.id '
    'GROUP BY p.id ORDER BY p.id',
    'saved filters': 'SELECT f.id, f.name, f.slug, f.shared, array_agg(t.contenttype_id) FROM extras_savedfilter f '
    'JOIN extras_savedfilter_object_types t ON t.savedfilter_id = f.id GROUP BY f.id ORDER BY f.id',
    'bookmarks': 'SELECT id, object_type_id, object_id, user_id FROM extras_bookmark ORDER BY id',
    'subscriptions': 'SELECT id, object_type_id, object_id, user_id FROM extras_subscription ORDER BY id',
    'event rules': 'SELECT r.id, r.name, array_agg(t.contenttype_id ORDER BY t.contenttype_id) FROM extras_eventrule r '
    'JOIN extras_eventrule_object_types t ON t.eventrule_id = r.id GROUP BY r.id ORDER BY r.id',
    'custom fields': 'SELECT customfield_id, contenttype_id FROM extras_customfield_object_types ORDER BY 1, 2',
}


def kept_rows(db_name):
    with databases.connect(db_name) as conn:
        return {label: conn.execute(query).fetchall() for label, query in KEPT.items()}


def constraints_of_permissions(db_name):
    with databases.connect(db_name) as conn:
        return dict(conn.execute('SELECT id, constraints FROM users_objectpermission ORDER BY id').fetchall())


def saved_filter_parameters(db_name):
    with databases.connect(db_name) as conn:
        return dict(conn.execute('SELECT slug, parameters FROM extras_savedfilter').fetchall())


def attachment_details(db_name):
    with databases.connect(db_name) as conn:
        rows = conn.execute('SELECT id, size, sha256, content_type FROM netbox_attachments_netboxattachment')
        return {pk: (size, sha256, content_type) for pk, size, sha256, content_type in rows}


def links_of(db_name):
    """{attachment id: sorted [(object type label, object id)]} from the assignment table."""
    with databases.connect(db_name) as conn:
        rows = conn.execute(
            "SELECT a.attachment_id, ct.app_label || '.' || ct.model, a.object_id "
            'FROM netbox_attachments_netboxattachmentassignment a JOIN django_content_type ct '
            'ON ct.id = a.object_type_id ORDER BY 1, 2, 3'
        ).fetchall()
    links = {}
    for pk, label, object_id in rows:
        links.setdefault(pk, []).append((label, object_id))
    return links


def links_in(manifest):
    return {
        a['id']: sorted((link['object_type'], link['object_id']) for link in a['links'])
        for a in manifest['attachments']
        if a['links']
    }


@dataclass
class Switched:
    name: str
    media_root: Path
    manifest: dict
    their_schema: dict
    before: dict  # kept_rows() as their plugin left them
    constraints_before: dict
    migrate_output: str
    check_before_backfill: str
    backfill_output: str


@pytest.fixture(scope='module')
def switched(tmp_path_factory, fresh_schema):
    """A database of netbox-attachments 12.0.0 with its data, switched as the README says: migrate, then backfill."""
    name, media_root = 'nba_peer_switch', tmp_path_factory.mktemp('peer') / 'media'
    try:
        manifest = make_peer_database(name, media_root)
        their_schema, before, constraints = schema_of(name), kept_rows(name), constraints_of_permissions(name)
        _, migrate_output = netbox(name, media_root, 'migrate', '--no-input')
        _, check_output = netbox(name, media_root, 'check', '--database', 'default')
        _, backfill_output = netbox(name, media_root, 'backfill_attachments')
        yield Switched(
            name, media_root, manifest, their_schema, before, constraints, migrate_output, check_output, backfill_output
        )
    finally:
        drop(name)


def test_their_12x_database_gets_the_fresh_schema_and_keeps_every_row(switched, fresh_schema):
    assert 'Applying netbox_attachments.0014_schema_of_this_plugin... OK' in switched.migrate_output
    assert recorded_migrations(switched.name) == our_migrations()
    assert schema_of(switched.name) == fresh_schema
    assert kept_rows(switched.name) == switched.before
    assert {a['id'] for a in switched.manifest['attachments']} == {row[0] for row in switched.before['attachments']}
    assert links_of(switched.name) == links_in(switched.manifest)


def test_their_related_name_in_permission_constraints_becomes_ours(switched):
    theirs = switched.constraints_before
    assert {'attachment_assignments__object_type__model': 'device'} in theirs.values()
    ours = {pk: constraints for pk, constraints in theirs.items()}
    for pk, constraints in theirs.items():
        if 'attachment_assignments__object_type__model' in (constraints or {}):
            ours[pk] = {'assignments__object_type__model': 'device'}
    assert constraints_of_permissions(switched.name) == ours


def test_the_backfill_fills_checksum_content_type_and_missing_sizes(switched):
    assert 'netbox_attachments.W007' in switched.check_before_backfill
    assert f'Filled in {len(switched.manifest["attachments"])} of ' in switched.backfill_output
    details = attachment_details(switched.name)
    for attachment in switched.manifest['attachments']:
        size, sha256, content_type = details[attachment['id']]
        assert (size, sha256) == (attachment['bytes'], attachment['sha256']), attachment['key']
        assert content_type, attachment['key']
    assert None in [a['size'] for a in switched.manifest['attachments']]  # their data had a size to fill in
    _, output = netbox(switched.name, switched.media_root, 'check', '--database', 'default')
    assert 'netbox_attachments.' not in output


def test_going_back_to_their_plugin_restores_their_schema_and_their_code_reads_every_record(switched):
    name = 'nba_peer_switch_back'
    with databases.connect() as conn:
        databases.copy(conn, name, switched.name)
    try:
        netbox(name, switched.media_root, 'migrate', '--no-input', 'netbox_attachments', '0013')
        assert schema_of(name) == switched.their_schema
        assert constraints_of_permissions(name) == switched.constraints_before
        assert saved_filter_parameters(name) == {f['slug']: f['parameters'] for f in switched.manifest['saved_filters']}
        read = run_in_peer(
            name,
            switched.media_root,
            'from netbox_attachments.models import NetBoxAttachment as A\n'
            'print(sorted((a.pk, a.file.name, a.attachment_assignments.count()) for a in A.objects.all()))',
        )
        expected = sorted((a['id'], a['file'], len(a['links'])) for a in switched.manifest['attachments'])
        assert read.strip() == str(expected)
    finally:
        drop(name)


def test_our_replay_of_their_history_gives_their_schema(switched, tmp_path):
    name = copy_of_template('nba_switch_replay')
    try:
        netbox(name, tmp_path, 'migrate', '--no-input', 'netbox_attachments', '0013')
        assert schema_of(name) == switched.their_schema
    finally:
        drop(name)


@pytest.mark.parametrize('state', ['0011', '0007'])
def test_an_earlier_state_of_their_history_migrates_too(state, tmp_path, fresh_schema):
    """Their 11.0.x stopped at 0011, their 5.x-10.x at 0007 (links were columns of the attachment then): a NetBox
    upgraded to 4.7 with their plugin disabled holds such a database."""
    name, media_root = f'nba_peer_state_{state}', tmp_path / 'media'
    try:
        manifest = make_peer_database(name, media_root, state)
        query = 'SELECT id, name, description, file FROM netbox_attachments_netboxattachment ORDER BY id'
        with databases.connect(name) as conn:
            before = conn.execute(query).fetchall()
        netbox(name, media_root, 'migrate', '--no-input')
        netbox(name, media_root, 'backfill_attachments')
        assert schema_of(name) == fresh_schema
        with databases.connect(name) as conn:
            assert conn.execute(query).fetchall() == before
        assert links_of(name) == links_in(manifest)
        details = attachment_details(name)
        assert {a['id']: (a['bytes'], a['sha256']) for a in manifest['attachments']} == {
            pk: (size, sha256) for pk, (size, sha256, _) in details.items()
        }
    finally:
        drop(name)


# --- The switched database served: downloads, permissions, scripts ---------------------------------------------


@contextmanager
def serving(base, media_root, users=('switch-admin',)):
    """A copy of the database `base` on a real gunicorn server, with API tokens of a new superuser `switch-admin`
    and of the other existing `users` (their password becomes their name)."""
    with live_server('nba_switch_live', media_root, base=base, demo_data=False, redis_dbs=(6, 7)) as server:
        server.run_python(
            'import sys\n'
            'from users.models import User\n'
            "User.objects.create_superuser('switch-admin', 'admin@example.com', 'switch-admin')\n"
            'for user in User.objects.filter(username__in=sys.argv[1:]):\n'
            '    user.set_password(user.username)\n'
            '    user.save()\n',
            *users,
        )
        server.tokens = {user: bearer_token(server, user) for user in users}
        yield server


@pytest.fixture(scope='module')
def served(switched):
    with serving(switched.name, switched.media_root, users=('switch-admin', 'peer-viewer')) as server:
        yield server


def bearer_token(server, username):
    response = requests.post(
        f'{server.url}/api/users/tokens/provision/',
        json={'username': username, 'password': username, 'version': 2},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    token = response.json()
    return f'Bearer nbt_{token["key"]}.{token["token"]}'


def get(server, path, user, **kwargs):
    return requests.get(
        f'{server.url}{path}', headers={'Authorization': server.tokens[user]}, timeout=TIMEOUT, **kwargs
    )


def test_every_file_of_theirs_downloads_byte_exact_through_our_api_and_media(served, switched):
    for attachment in switched.manifest['attachments']:
        response = get(served, f'{API}{attachment["id"]}/download/', 'switch-admin')
        assert response.status_code == 200, (attachment['key'], response.text)
        assert hashlib.sha256(response.content).hexdigest() == attachment['sha256'], attachment['key']
        assert response.headers['ETag'] == f'"{attachment["sha256"]}"'
        media = get(served, f'/media/{attachment["file"]}', 'switch-admin')
        assert (media.status_code, media.content) == (200, response.content), attachment['key']


def test_their_constrained_permission_shows_the_same_attachments_and_files(served, switched):
    """The viewer may view attachments linked to a device, by their constraint `attachment_assignments__...`,
    which the switch renamed: he sees exactly what he saw before, and no other file by any of these URLs."""
    listed = get(served, API, 'peer-viewer', params={'limit': 100}).json()
    visible = set(switched.manifest['constraint_matches'])
    assert {row['id'] for row in listed['results']} == visible
    hidden = [a for a in switched.manifest['attachments'] if a['id'] not in visible]
    assert hidden
    for attachment in switched.manifest['attachments']:
        expected = 200 if attachment['id'] in visible else 404
        assert get(served, f'{API}{attachment["id"]}/download/', 'peer-viewer').status_code == expected
        assert get(served, f'/media/{attachment["file"]}', 'peer-viewer').status_code == expected, attachment['key']


def test_a_script_written_for_their_plugin_runs_unchanged_on_the_switched_database(served, switched):
    """tests/peer_script.py, written from their documentation, on their own records' NetBox after the switch."""
    objects = switched.manifest['netbox_objects']
    token = served.tokens['switch-admin'].removeprefix('Bearer ')
    command = [
        sys.executable, str(PEER_SCRIPT), '--url', served.url, '--token', token,
        '--device', str(objects['devices'][0]['id']), '--site', str(objects['site']['id']),
        '--outside-scope', f'extras.tag:{switched.manifest["tags"][0]["id"]}',
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('OK:')


def test_their_object_tab_bookmark_leads_to_our_tab(served, switched):
    device = switched.manifest['netbox_objects']['devices'][0]['id']
    session = requests.Session()
    login = session.get(f'{served.url}/login/', timeout=TIMEOUT)
    session.post(
        f'{served.url}/login/',
        data={
            'username': 'switch-admin',
            'password': 'switch-admin',
            'csrfmiddlewaretoken': login.cookies['csrftoken'],
        },
        timeout=TIMEOUT,
    )
    response = session.get(f'{served.url}/dcim/devices/{device}/device-attachment_list/', timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.url == f'{served.url}/dcim/devices/{device}/attachments/'
    assert 'id="netbox-attachments-tab"' in response.text


def test_their_saved_filters_select_the_same_attachments(served, switched):
    """Their `name` filter matched substrings; ours is exact, as in NetBox, so the switch renames it `name__ic`."""
    parameters = saved_filter_parameters(switched.name)
    assert parameters == {'peer-documents': {'tag': ['peer-doc']}, 'peer-manuals': {'name__ic': ['manual']}}
    for slug, expected in switched.manifest['saved_filter_matches'].items():
        listed = get(served, API, 'switch-admin', params={'filter': slug, 'limit': 100}).json()['results']
        assert sorted(row['id'] for row in listed) == expected
        assert expected  # the filter selects something, so the comparison can fail
