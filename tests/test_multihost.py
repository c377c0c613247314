"""Two NetBox hosts on one database and one bucket, as a production setup behind a load balancer (issue 15).

Each host is a real gunicorn server with its own empty local media folder; both keep files in one bucket of a real
S3-compatible server (moto, as a separate process) and share the database and Redis. A file written through one host
must be served, replaced, deleted and cleaned up through the other, and no host may fall back to its local disk:
a file there would be missing on every other host.
"""

import io
import subprocess
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import requests
from PIL import Image

from dev.live_server import REPO, live_server
from dev.s3_server import s3_server

DB_NAME = 'netbox_attachments_multihost'
BUCKET = 'multihost-attachments'
REDIS_DBS = (8, 9)  # one Redis for both hosts, as production hosts share it
ATTACHMENTS = '/api/plugins/netbox-attachments/netbox-attachments/'
PREFIX = 'media/'  # the storage's location: keys are media/netbox-attachments/<name>
TIMEOUT = 30


@pytest.fixture(scope='module')
def s3():
    with s3_server() as server:
        server.create_bucket(BUCKET)
        yield server


@pytest.fixture(scope='module')
def hosts(s3, tmp_path_factory):
    """Host A makes the database; host B serves that same database, with a media folder of its own."""
    root = tmp_path_factory.mktemp('multihost')
    shared = {'s3': (s3.endpoint, BUCKET), 'redis_dbs': REDIS_DBS}
    with (
        live_server(DB_NAME, root / 'a' / 'media', **shared) as host_a,
        live_server(DB_NAME, root / 'b' / 'media', reuse_database=True, **shared) as host_b,
    ):
        yield host_a, host_b


@pytest.fixture(scope='module')
def host_a(hosts):
    return hosts[0]


@pytest.fixture(scope='module')
def host_b(hosts):
    return hosts[1]


@pytest.fixture(scope='module')
def auth(host_a):
    """A token made on host A: it is a row of the shared database, so host B accepts it too."""
    return {'Authorization': host_a.admin_authorization()}


def on(host, url):
    """The same URL on another host: the API answers with absolute URLs of the host that was asked."""
    parts = urlsplit(url)
    return f'{host.url}{parts.path}' + (f'?{parts.query}' if parts.query else '')


def upload(host, auth, filename, content):
    response = requests.post(
        f'{host.url}{ATTACHMENTS}',
        headers=auth,
        files={'file': (filename, content)},
        data={'name': f'multihost {filename}'},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()


def get(host, url, auth=None, **kwargs):
    return requests.get(on(host, url), headers={**(auth or {}), **kwargs.pop('headers', {})}, timeout=TIMEOUT, **kwargs)


def key_of(attachment):
    """The bucket key of an attachment's file, from its /media/ URL."""
    path = unquote(urlsplit(attachment['file']).path)
    assert path.startswith('/media/netbox-attachments/'), path
    return PREFIX + path.removeprefix('/media/')


def bucket_keys(s3):
    pages = s3.client().get_paginator('list_objects_v2').paginate(Bucket=BUCKET)
    return {item['Key'] for page in pages for item in page.get('Contents', [])}


def png_bytes():
    out = io.BytesIO()
    Image.new('RGB', (8, 6), 'navy').save(out, format='PNG')
    return out.getvalue()


@pytest.fixture(scope='module')
def text_file(host_a, auth, s3):
    """A text file uploaded through host A: longer than the preview's first 100 bytes."""
    content = b''.join(b'line %03d of a log written through host A\n' % n for n in range(40))
    attachment = upload(host_a, auth, f'host-a-{uuid.uuid4().hex[:8]}.log', content)
    assert key_of(attachment) in bucket_keys(s3)
    return attachment, content


def test_a_file_uploaded_through_one_host_is_listed_and_downloaded_byte_exact_through_the_other(
    host_b, auth, text_file
):
    attachment, content = text_file
    listed = get(host_b, ATTACHMENTS, auth, params={'id': attachment['id']})
    assert listed.status_code == 200
    assert [row['id'] for row in listed.json()['results']] == [attachment['id']]

    download = get(host_b, attachment['download_url'], auth)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers['Content-Disposition'].startswith('attachment;')
    media = get(host_b, attachment['file'], auth)  # NetBox's /media/ URL, after the permission check
    assert media.status_code == 200
    assert media.content == content


def test_the_text_preview_range_request_is_answered_by_the_other_host(host_b, auth, text_file):
    attachment, content = text_file
    response = get(host_b, attachment['download_url'], auth, headers={'Range': 'bytes=0-99'})
    assert response.status_code == 206
    assert response.content == content[:100]
    assert response.headers['Content-Range'] == f'bytes 0-99/{len(content)}'
    assert response.headers['Content-Length'] == '100'


def test_an_image_uploaded_through_one_host_is_shown_inline_by_the_other(host_a, host_b, auth):
    content = png_bytes()
    attachment = upload(host_a, auth, f'thumbnail-{uuid.uuid4().hex[:8]}.png', content)
    response = get(host_b, attachment['download_url'], auth, params={'inline': '1'})  # what the thumbnail asks
    assert response.status_code == 200
    assert response.content == content
    assert response.headers['Content-Type'] == 'image/png'
    assert response.headers['Content-Disposition'].startswith('inline')


def test_a_signed_link_made_on_one_host_works_on_both(host_a, host_b, auth, text_file):
    attachment, content = text_file
    made = get(host_a, f'{ATTACHMENTS}{attachment["id"]}/signed-link/', auth)
    assert made.status_code == 200, made.text
    url = made.json()['url']
    assert url.startswith(host_a.url)
    for host in (host_b, host_a):  # no Authorization header: the link is the credential
        response = get(host, url)
        assert response.status_code == 200, host.url
        assert response.content == content


def test_replacing_the_file_through_one_host_removes_the_old_object_and_the_other_serves_the_new(
    host_a, host_b, auth, s3
):
    attachment = upload(host_a, auth, f'replace-{uuid.uuid4().hex[:8]}.txt', b'the first version\n')
    old_key = key_of(attachment)
    assert old_key in bucket_keys(s3)

    new_content = b'the second version, replaced through host B\n'
    response = requests.patch(
        on(host_b, attachment['url']),
        headers=auth,
        files={'file': ('replaced.txt', new_content)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    new_key = key_of(response.json())
    assert new_key != old_key
    keys = bucket_keys(s3)  # the response is sent after the commit, and the old object goes on commit
    assert old_key not in keys
    assert new_key in keys

    download = get(host_a, attachment['download_url'], auth)
    assert download.status_code == 200
    assert download.content == new_content
    assert get(host_a, response.json()['file'], auth).content == new_content


def test_deleting_through_one_host_removes_the_object_and_the_other_answers_404(host_a, host_b, auth, s3):
    attachment = upload(host_b, auth, f'delete-{uuid.uuid4().hex[:8]}.txt', b'to be deleted through host A\n')
    key = key_of(attachment)
    assert get(host_a, attachment['download_url'], auth).status_code == 200

    response = requests.delete(on(host_a, attachment['url']), headers=auth, timeout=TIMEOUT)
    assert response.status_code == 204, response.text
    assert key not in bucket_keys(s3)
    for url in (attachment['url'], attachment['download_url'], attachment['file']):
        assert get(host_b, url, auth).status_code == 404, url


def cleanup(host, *options):
    """The orphan cleanup as an administrator runs it on a host: NetBox's command, with that host's settings."""
    return subprocess.run(
        [str(REPO / '.venv' / 'bin' / 'netbox'), 'remove_orphaned_netbox_attachments', *options],
        env=host.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def test_the_cleanup_on_the_other_host_removes_an_orphan_object_and_keeps_every_named_one(host_b, auth, s3, text_file):
    orphan = f'{PREFIX}netbox-attachments/orphan-{uuid.uuid4().hex[:8]}.bin'
    s3.client().put_object(Bucket=BUCKET, Key=orphan, Body=b'no record names this object')
    named = {key_of(row) for row in get(host_b, ATTACHMENTS, auth, params={'limit': 1000}).json()['results']}
    assert key_of(text_file[0]) in named
    before = bucket_keys(s3)
    assert named <= before
    options = ('--files-only', '--min-age', '0', '-v2')

    report = cleanup(host_b, '--dry-run', *options)
    assert 'Orphaned files (no attachment references them): 1,' in report
    assert orphan.removeprefix(PREFIX) in report
    assert bucket_keys(s3) == before  # a dry run deletes nothing

    deleted = cleanup(host_b, '--delete', '--no-input', *options)
    assert 'Deleted 1 orphaned file(s)' in deleted
    after = bucket_keys(s3)
    assert orphan not in after
    assert after == before - {orphan}  # every object a record names is still there


def test_no_host_wrote_to_its_local_media_folder(host_a, host_b, auth):
    # One more round trip first, so that this test shows it also when run alone.
    attachment = upload(host_a, auth, f'local-{uuid.uuid4().hex[:8]}.txt', b'never on a local disk\n')
    assert get(host_b, attachment['file'], auth).status_code == 200
    for host in (host_a, host_b):
        assert Path(host.media_root).is_dir()
        assert list(Path(host.media_root).rglob('*')) == [], host.url
