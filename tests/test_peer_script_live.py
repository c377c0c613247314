"""A script written for netbox-attachments 12.x (tests/peer_script.py) runs unchanged against this plugin (issue 13).

The script runs as its users run it, in a process of its own with pynetbox, against a real gunicorn server on a copy
of the demo database (dev/live_server.py), as tests/test_live_api.py does. It also runs against netbox-attachments
12.0.0 itself (dev/peer_plugin.py): that shows it expects nothing their plugin did not give.
"""

import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from dev.live_server import databases_module, die_with_parent, free_port, live_server, stop, wait_until_up
from dev.peer_plugin import make_peer_database, peer_environment, peer_venv

DB_NAME = 'nba_compat_live'
PEER_DB_NAME = 'nba_peer_script'
REDIS_DBS = (12, 13)
TIMEOUT = 30
SCRIPT = Path(__file__).parent / 'peer_script.py'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    media_root = tmp_path_factory.mktemp('peer-script') / 'media'
    with live_server(DB_NAME, media_root, redis_dbs=REDIS_DBS) as running:
        yield running


def provision(url, version=2, username='admin', password='admin'):
    """A new token of that user, as the value pynetbox takes: a v1 key as it is, a v2 token as nbt_<key>.<secret>."""
    response = requests.post(
        f'{url}/api/users/tokens/provision/',
        json={'username': username, 'password': password, 'version': version},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    token = response.json()
    return token['token'] if version == 1 else f'nbt_{token["key"]}.{token["token"]}'


def api(url, token, method, path, **kwargs):
    headers = {'Authorization': f'Bearer {token}'}
    return requests.request(method, f'{url}{path}', headers=headers, timeout=TIMEOUT, **kwargs)


def first_id(url, token, path, **params):
    response = api(url, token, 'GET', path, params=params)
    assert response.status_code == 200, response.text
    return response.json()['results'][0]['id']


def new_tag(url, token):
    """A tag: an object whose type the plugin's default scope leaves out."""
    slug = f'peer-{uuid.uuid4().hex[:8]}'
    response = api(url, token, 'POST', '/api/extras/tags/', json={'name': slug, 'slug': slug})
    assert response.status_code == 201, response.text
    return response.json()['id']


def attachment_ids(url, token):
    response = api(url, token, 'GET', '/api/plugins/netbox-attachments/netbox-attachments/', params={'limit': 1000})
    assert response.status_code == 200, response.text
    return {attachment['id'] for attachment in response.json()['results']}


def run_script(url, token, device, site, outside_scope):
    command = [
        sys.executable, str(SCRIPT), '--url', url, '--token', token,
        '--device', str(device), '--site', str(site), '--outside-scope', outside_scope,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope='module')
def objects(server):
    """IDs the script is given: a device, a site, a rack (in scope) and a tag (outside the default scope)."""
    token = provision(server.url)
    return {
        'device': first_id(server.url, token, '/api/dcim/devices/', name='ams-edge-01'),
        'site': first_id(server.url, token, '/api/dcim/sites/', slug='ber-dc2'),
        'rack': first_id(server.url, token, '/api/dcim/racks/'),
        'tag': new_tag(server.url, token),
    }


@pytest.mark.parametrize('token_version', [1, 2])
def test_a_script_written_for_netbox_attachments_12_runs_unchanged(server, objects, token_version):
    token = provision(server.url, token_version)
    result = run_script(server.url, token, objects['device'], objects['site'], f'extras.tag:{objects["tag"]}')
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('OK:')


def test_the_script_reports_a_deviation_and_cleans_up(server, objects):
    """A script that cannot fail proves nothing: a rack is in scope, so linking it is accepted, not refused."""
    token = provision(server.url)
    before = attachment_ids(server.url, token)
    result = run_script(server.url, token, objects['device'], objects['site'], f'dcim.rack:{objects["rack"]}')
    assert result.returncode == 1
    assert result.stderr.startswith('DEVIATION: a link to dcim.rack, outside the scope: accepted'), result.stderr
    assert attachment_ids(server.url, token) == before


@contextmanager
def their_server(tmp_path):
    """NetBox with netbox-attachments 12.0.0 (their own code, from PyPI) on a database their plugin wrote; its URL."""
    media_root = tmp_path / 'media'
    make_peer_database(PEER_DB_NAME, media_root)
    url = f'http://127.0.0.1:{free_port()}'
    command = [str(peer_venv() / 'bin' / 'python'), '-P', '-m', 'netbox', 'runserver', '--noreload', url[7:]]
    with peer_environment(PEER_DB_NAME, media_root) as env, open(tmp_path / 'server.log', 'wb') as log:
        process = subprocess.Popen(
            command, env=env, cwd=env['PYTHONPATH'], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=die_with_parent,
        )  # fmt: skip
        try:
            wait_until_up(url, process, timeout=90)
            yield url
        finally:
            stop(process)
            databases = databases_module()
            with databases.connect() as conn:
                databases.drop(conn, PEER_DB_NAME)


def test_the_script_passes_against_netbox_attachments_12_itself(tmp_path):
    with their_server(tmp_path) as url:
        token = provision(url, username='peer-admin', password='peer-admin')  # made by dev/peer_writer.py
        device = first_id(url, token, '/api/dcim/devices/', name='peer-device-1')
        site = first_id(url, token, '/api/dcim/sites/', slug='peer-site')
        result = run_script(url, token, device, site, f'extras.tag:{new_tag(url, token)}')
    assert result.returncode == 0, result.stderr
