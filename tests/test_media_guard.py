"""NetBox's /media/ URL serves an attachment's file only to users who may view the attachment, however the path is
spelled and whatever script prefix the request claims."""

import pytest
from users.models import Token

from .factories import VIEW_ALL, make_attachment, make_user
from .helpers import body, login

pytestmark = pytest.mark.django_db


# Spellings of a path that step out of a folder and back into the media root (the test MEDIA_ROOT ends in
# 'media', like NetBox's): the server decodes %xx once before routing, so each reaches NetBox's media view.
TRAVERSALS = (
    '/media/../media/{name}',
    '/media/%2e%2e/media/{name}',
    '/media/..%2fmedia/{name}',
    '/media/..%2Fmedia/{name}',
    '/media/other/../{name}',
    '/media/other/..%2F{name}',
    '/media/./{name}',
    '/media/netbox-attachments/./{basename}',
    '/media/netbox-attachments//{basename}',
    '/media/%252e%252e/media/{name}',
    '/media/..%5cmedia/{name}',
)


@pytest.fixture
def secret():
    return make_attachment(name='Secret plan', filename='secret.txt', content=b'secret bytes')


def token_header(user):
    token = Token.objects.create(user=user, version=2)
    return token.get_auth_header_prefix() + token.token


@pytest.mark.parametrize('who', ['superuser', 'token without permission'])
@pytest.mark.parametrize('spelling', TRAVERSALS)
def test_dot_segments_and_encoded_separators_get_404_for_superusers_and_tokens(request, client, secret, spelling, who):
    if who == 'superuser':
        headers = {}
        request.getfixturevalue('admin_client')  # the same client, signed in
    else:
        headers = {'HTTP_AUTHORIZATION': token_header(make_user(None, 'dcim.view_site'))}
    path = spelling.format(name=secret.file.name, basename=secret.filename)
    response = client.get(path, **headers)
    assert response.status_code == 404, path
    assert b'secret bytes' not in body(response)


def test_netbox_own_folders_are_protected_from_traversal_too(client, media_root):
    (media_root / 'image-attachments').mkdir(parents=True)
    (media_root / 'image-attachments' / 'rack.png').write_bytes(b'png bytes')
    login(client, 'dcim.view_site')
    assert client.get('/media/../media/image-attachments/rack.png').status_code == 404
    assert client.get('/media/image-attachments/rack.png').status_code == 404  # NetBox's own check


def test_a_script_prefix_header_does_not_bypass_the_guard(client, secret):
    """gunicorn takes SCRIPT_NAME from a request header of trusted addresses: routing then sees only the rest."""
    login(client, 'dcim.view_site')
    response = client.get(f'/media/{secret.file.name}', SCRIPT_NAME='/x')
    assert response.status_code == 404
    assert b'secret bytes' not in body(response)
    login(client, *VIEW_ALL)  # and it still serves users who may view the attachment
    assert body(client.get(f'/media/{secret.file.name}', SCRIPT_NAME='/x')) == b'secret bytes'


def test_media_urls_answer_as_the_api_download_does(admin_client):
    """NetBox's media view would send a .gz file with Content-Encoding: gzip, so that clients unpack it and save
    other bytes than the stored ones (seen with a file of netbox-attachments), and without the safety headers."""
    archive = make_attachment(name='configs.tar.gz', filename='configs.tar.gz', content=b'not unpacked by anyone')
    media = admin_client.get(f'/media/{archive.file.name}')
    download = admin_client.get(f'/api/plugins/netbox-attachments/netbox-attachments/{archive.pk}/download/')
    assert 'Content-Encoding' not in media
    assert body(media) == body(download) == b'not unpacked by anyone'
    for header in ('Content-Type', 'Content-Disposition', 'ETag', 'X-Content-Type-Options', 'Content-Security-Policy'):
        assert media[header] == download[header], header
    ranged = admin_client.get(f'/media/{archive.file.name}', HTTP_RANGE='bytes=0-2')
    assert (ranged.status_code, body(ranged)) == (206, b'not')


@pytest.mark.parametrize('exempt', [['*'], ['netbox_attachments.netboxattachment']])
@pytest.mark.parametrize('method', ['get', 'head'])
def test_media_urls_require_login_where_netbox_requires_it(client, settings, secret, method, exempt):
    """With LOGIN_REQUIRED, exempting attachments from view permissions still needs a login, as for the downloads
    and every other /media/ path (found by review: serving the file before NetBox's MediaView skipped its check)."""
    settings.LOGIN_REQUIRED = True
    settings.EXEMPT_VIEW_PERMISSIONS = exempt
    assert client.get(f'/plugins/netbox-attachments/netbox-attachments/{secret.pk}/download/').status_code == 302
    response = getattr(client, method)(f'/media/{secret.file.name}')
    assert response.status_code == 302 and response['Location'].startswith('/login/')
    settings.LOGIN_REQUIRED = False  # exempt and no login required: the file is public, as its download is
    assert body(client.get(f'/media/{secret.file.name}')) == b'secret bytes'


def test_media_urls_answer_only_get_and_head(admin_client, secret):
    assert admin_client.options(f'/media/{secret.file.name}').content == b''
    assert admin_client.generic('TRACE', f'/media/{secret.file.name}').status_code == 405


def test_a_missing_and_a_hidden_file_and_the_folder_read_the_same(client, secret):
    login(client, 'dcim.view_site')
    hidden = client.get(f'/media/{secret.file.name}')
    missing = client.get('/media/netbox-attachments/no-such-file.txt')
    folder = client.get('/media/netbox-attachments/')
    assert (hidden.status_code, missing.status_code, folder.status_code) == (404, 404, 404)


def test_media_paths_are_decoded_once_as_netbox_serves_them(client, media_root, secret):
    odd = media_root / 'netbox-attachments' / 'a%2F..%2Fsecret.txt'
    odd.write_bytes(b'odd file')  # e.g. copied in for a bulk import
    login(client, 'dcim.view_site')
    assert client.get('/media/netbox-attachments/a%252F..%252Fsecret.txt').status_code == 404


def test_a_nul_byte_in_a_media_path_is_a_404(admin_client):
    assert admin_client.get('/media/netbox-attachments/a%00b').status_code == 404


def test_the_folder_is_guarded_in_any_case(client, secret, media_root):
    """On a media volume that ignores case (SMB, some bind mounts) the folder is served under any spelling; a link
    stands in for such a volume here."""
    (media_root / 'NETBOX-ATTACHMENTS').symlink_to(media_root / 'netbox-attachments')
    login(client, 'dcim.view_site')
    for folder in ('NETBOX-ATTACHMENTS', 'Netbox-Attachments'):
        response = client.get(f'/media/{folder}/{secret.filename}')
        assert response.status_code == 404, folder
        assert b'secret bytes' not in body(response)
