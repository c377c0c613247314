"""The REST API through a real gunicorn server with real clients (requests, pynetbox).

These tests use no in-process database: they start NetBox on a copy of the demo database (dev/live_server.py) and
talk to it over HTTP, so uploads are real multipart bodies and downloads go through gunicorn's file handling.
"""

import http.client
import os
import uuid

import pynetbox
import pytest
import requests

from dev.live_server import live_server

DB_NAME = 'netbox_attachments_live'
TIMEOUT = 30


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    media_root = tmp_path_factory.mktemp('live') / 'media'
    with live_server(DB_NAME, media_root) as running:
        yield running


def provision(server, version):
    response = requests.post(
        f'{server.url}/api/users/tokens/provision/',
        json={'username': 'admin', 'password': 'admin', 'version': version},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope='module')
def tokens(server):
    """The Authorization header of a v1 and of a v2 token of the demo superuser, and the v2 value pynetbox takes."""
    v1, v2 = provision(server, 1), provision(server, 2)
    assert (v1['version'], v2['version']) == (1, 2)
    v2_value = f'nbt_{v2["key"]}.{v2["token"]}'
    return {'v1': f'Token {v1["token"]}', 'v2': f'Bearer {v2_value}', 'pynetbox': v2_value}


def api_get(server, path, auth, **params):
    response = requests.get(f'{server.url}{path}', headers={'Authorization': auth}, params=params, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def upload(server, auth, name, filename, content):
    response = requests.post(
        f'{server.url}/api/plugins/netbox-attachments/netbox-attachments/',
        headers={'Authorization': auth},
        files={'file': (filename, content)},
        data={'name': name},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize('token_version', ['v1', 'v2'])
def test_the_documented_two_step_example_works_with_v1_and_v2_tokens(
    server, tokens, token_version, tmp_path, monkeypatch
):
    manual = b'%PDF-1.4\n' + os.urandom(200_000) + b'\n%%EOF\n'
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'manual.pdf').write_bytes(manual)
    device = api_get(server, '/api/dcim/devices/', tokens[token_version], name='ams-edge-01')['results'][0]

    # The example of the plugin's documentation, as written; only the URL, the token and the device ID differ.
    base_url = f'{server.url}/api/plugins/netbox-attachments'
    headers = {'Authorization': tokens[token_version]}
    # 1) Upload attachment
    with open('./manual.pdf', 'rb') as file_handle:
        upload_response = requests.post(
            f'{base_url}/netbox-attachments/',
            headers=headers,
            files={'file': ('manual.pdf', file_handle)},
            data={
                'name': 'Device Manual',
                'description': 'Manual for device 123',
                'comments': 'Uploaded via API',
            },
            timeout=30,
        )
    upload_response.raise_for_status()
    attachment_id = upload_response.json()['id']
    # 2) Link attachment to target object
    assignment_response = requests.post(
        f'{base_url}/netbox-attachment-assignments/',
        headers=headers,
        json={
            'attachment': attachment_id,
            'object_type': 'dcim.device',
            'object_id': device['id'],
        },
        timeout=30,
    )
    assignment_response.raise_for_status()

    assert (upload_response.status_code, assignment_response.status_code) == (201, 201)
    attachment = api_get(
        server, f'/api/plugins/netbox-attachments/netbox-attachments/{attachment_id}/', headers['Authorization']
    )
    assert (attachment['name'], attachment['description'], attachment['comments']) == (
        'Device Manual',
        'Manual for device 123',
        'Uploaded via API',
    )
    assert (attachment['size'], attachment['content_type']) == (len(manual), 'application/pdf')
    [assignment] = attachment['assignments']
    assert assignment['id'] == assignment_response.json()['id']
    assert (assignment['attachment'], assignment['object_type'], assignment['object_id']) == (
        attachment_id,
        'dcim.device',
        device['id'],
    )
    assert (assignment['parent']['id'], assignment['parent']['name']) == (device['id'], 'ams-edge-01')

    download = requests.get(attachment['download_url'], headers=headers, timeout=TIMEOUT)
    assert download.status_code == 200
    assert download.content == manual
    assert download.headers['Content-Disposition'].startswith('attachment;')
    assert requests.get(attachment['download_url'], timeout=TIMEOUT).status_code == 403  # no token, no file

    signed_link_path = f'/api/plugins/netbox-attachments/netbox-attachments/{attachment_id}/signed-link/'
    link = api_get(server, signed_link_path, headers['Authorization'])
    signed = requests.get(link['url'], timeout=TIMEOUT)  # no Authorization header: the link is the credential
    assert signed.status_code == 200
    assert signed.content == manual


def test_a_pynetbox_script_lists_filters_links_unlinks_and_deletes(server, tokens, tmp_path):
    nb = pynetbox.api(server.url, token=tokens['pynetbox'])
    attachments = nb.plugins.netbox_attachments.netbox_attachments
    assignments = nb.plugins.netbox_attachments.netbox_attachment_assignments
    marker = f'pynetbox-{uuid.uuid4().hex[:8]}'
    content = os.urandom(50_000)
    (tmp_path / f'{marker}.bin').write_bytes(content)
    created = []
    for suffix in ('a', 'b'):
        with open(tmp_path / f'{marker}.bin', 'rb') as file_handle:
            created.append(attachments.create(name=f'{marker} {suffix}', file=file_handle))
    first, second = created
    site = nb.dcim.sites.get(slug='ber-dc2')

    assert {first.id, second.id} <= {a.id for a in attachments.all()}
    assert len(list(attachments.all())) == attachments.count()
    assert {a.id for a in attachments.filter(q=marker)} == {first.id, second.id}
    assert {first.id, second.id} <= {a.id for a in attachments.filter(has_assignments=False)}

    assignment = assignments.create(attachment=first.id, object_type='dcim.site', object_id=site.id)
    assert (assignment.attachment.id, assignment.object_type, assignment.object_id) == (first.id, 'dcim.site', site.id)
    assert assignment.parent['name'] == 'Berlin DC2'
    assert [a.id for a in assignments.filter(attachment_id=first.id)] == [assignment.id]
    unassigned = {a.id for a in attachments.filter(has_assignments=False)}
    assert first.id not in unassigned and second.id in unassigned

    # Unlinking keeps the attachment and its file.
    stored = server.media_root / 'netbox-attachments' / first.filename
    assert assignment.delete() is True
    assert list(assignments.filter(attachment_id=first.id)) == []
    assert first.id in {a.id for a in attachments.filter(has_assignments=False)}
    download = requests.get(first.download_url, headers={'Authorization': tokens['v2']}, timeout=TIMEOUT)
    assert (download.status_code, download.content) == (200, content)
    assert stored.exists()

    # Deleting the attachment removes the record, every way to its file, and the file.
    assert attachments.get(first.id).delete() is True
    assert attachments.get(first.id) is None
    for url in (first.download_url, first.file):
        assert requests.get(url, headers={'Authorization': tokens['v2']}, timeout=TIMEOUT).status_code == 404, url
    assert not stored.exists()
    assert {a.id for a in attachments.filter(q=marker)} == {second.id}


def test_gunicorn_serves_byte_ranges_of_a_download(server, tokens):
    content = os.urandom(3 * 1024 * 1024 + 123)
    attachment = upload(server, tokens['v1'], 'Range test', 'range.bin', content)
    size = len(content)

    def get(range_header=None):
        headers = {'Authorization': tokens['v1'], **({'Range': range_header} if range_header else {})}
        return requests.get(attachment['download_url'], headers=headers, timeout=TIMEOUT)

    # A range that ends before the end of the file: gunicorn must send Content-Length bytes, not the rest.
    middle = get('bytes=1048576-2097151')
    assert middle.status_code == 206
    assert middle.headers['Content-Range'] == f'bytes 1048576-2097151/{size}'
    assert middle.headers['Content-Length'] == '1048576'
    assert middle.content == content[1048576:2097152]

    suffix = get('bytes=-100')
    assert (suffix.status_code, suffix.headers['Content-Range']) == (206, f'bytes {size - 100}-{size - 1}/{size}')
    assert suffix.content == content[-100:]

    beyond = get(f'bytes={size}-')
    assert (beyond.status_code, beyond.headers['Content-Range']) == (416, f'bytes */{size}')

    whole = get()
    assert (whole.status_code, whole.headers['Content-Length'], whole.content) == (200, str(size), content)


def raw_get(server, path, headers):
    """A request whose path goes to the server byte for byte: clients remove dot segments before sending."""
    host, port = server.url.removeprefix('http://').split(':')
    connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        connection.putrequest('GET', path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_gunicorn_refuses_media_paths_that_step_out_and_back_in(server, tokens):
    content = b'guarded bytes ' + os.urandom(16).hex().encode()
    attachment = upload(server, tokens['v2'], 'Guarded', 'guarded.txt', content)
    name = f'netbox-attachments/{attachment["filename"]}'
    admin = {'Authorization': tokens['v2']}
    assert raw_get(server, f'/media/{name}', admin) == (200, content)
    nobody = {'Authorization': no_permission_token(server, tokens)}
    assert raw_get(server, f'/media/{name}', nobody)[0] == 404
    for path in (f'/media/../media/{name}', f'/media/%2e%2e/media/{name}', f'/media/..%2fmedia/{name}'):
        for headers in (nobody, admin):
            status, body = raw_get(server, path, headers)
            assert status == 404 and content not in body, path
    # gunicorn takes SCRIPT_NAME from a header of trusted addresses; the routed path is what is checked.
    status, body = raw_get(server, f'/x/media/{name}', {**nobody, 'SCRIPT_NAME': '/x'})
    assert status == 404 and content not in body


def no_permission_token(server, tokens):
    """The Authorization header of a new user's token: the user has no permission at all."""
    admin = {'Authorization': tokens['v2']}
    username = f'nobody-{uuid.uuid4().hex[:8]}'
    user = requests.post(
        f'{server.url}/api/users/users/',
        headers=admin,
        json={'username': username, 'password': 'Nobody-123456'},
        timeout=TIMEOUT,
    )
    assert user.status_code == 201, user.text
    token = requests.post(
        f'{server.url}/api/users/tokens/',
        headers=admin,
        json={'user': user.json()['id'], 'version': 2},
        timeout=TIMEOUT,
    )
    assert token.status_code == 201, token.text
    value = token.json()
    return f'Bearer nbt_{value["key"]}.{value["token"]}'


# Two real connections: one links an old unlinked attachment and commits while the orphan cleanup waits for the
# attachment's row lock. The cleanup must then see the link and keep the attachment, its link and its file.
LINK_WHILE_CLEANUP_WAITS = """
import threading, time
from django.core.files.base import ContentFile
from django.db import connection, transaction
from dcim.models import Site
from netbox_attachments.cleanup import delete_records
from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

attachment = NetBoxAttachment(name='race', file=ContentFile(b'race bytes', name='race.txt'))
attachment.save()
linked, release, result = threading.Event(), threading.Event(), {}

def link():
    try:
        with transaction.atomic():
            assignment = NetBoxAttachmentAssignment(attachment_id=attachment.pk)
            assignment.parent = Site.objects.first()
            assignment.save()
            linked.set()
            release.wait(10)
    finally:
        linked.set()
        connection.close()

def clean():
    try:
        linked.wait(10)
        result['cleanup'] = delete_records([{'pk': attachment.pk, 'file': attachment.file.name}],
                                           attachment.file.storage, min_age=0)
    finally:
        connection.close()

threads = [threading.Thread(target=link), threading.Thread(target=clean)]
for thread in threads:
    thread.start()
linked.wait(10)
time.sleep(1)  # the cleanup now waits for the row lock the link holds
release.set()
for thread in threads:
    thread.join(20)
print(result['cleanup'], NetBoxAttachment.objects.filter(pk=attachment.pk).exists(),
      NetBoxAttachmentAssignment.objects.filter(attachment_id=attachment.pk).count(),
      attachment.file.storage.exists(attachment.file.name))
"""


def test_a_link_committed_while_the_cleanup_waits_keeps_the_attachment(server):
    output = server.run_python(LINK_WHILE_CLEANUP_WAITS, capture_output=True).stdout.split()
    assert output[-5:] == ['(0,', '1)', 'True', '1', 'True']
