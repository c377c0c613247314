"""Handing file bytes to the web server (the `file_offload` setting): the response NetBox gives, and real nginx in
front of a real gunicorn serving it."""

import os
import time
import urllib.parse
from pathlib import Path

import pytest
import requests
from users.models import Token

from netbox_attachments.checks import check_plugin_settings

from .factories import VIEW_ALL, make_attachment, make_user
from .helpers import body, download_url, login

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 4
PNG = (  # 1x1 pixel: NetBox's image attachments need a real image
    b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89'
    b'\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82'
)
ODD_NAME = 'netbox-attachments/Plan (Ü) v2.pdf'  # spaces, a non-ASCII letter, parentheses
ODD_PATH = '/netbox-attachments-internal/netbox-attachments/Plan%20%28%C3%9C%29%20v2.pdf'


def renamed(attachment, media_root, name=ODD_NAME):
    """The attachment's file moved to a name an upload never gets (uploads store safe names), e.g. copied in."""
    target = Path(media_root) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(Path(media_root) / attachment.file.name, target)
    type(attachment).objects.filter(pk=attachment.pk).update(file=name)
    attachment.refresh_from_db()
    return attachment


def assert_our_headers(response, attachment, disposition):
    assert response['Content-Type'] == 'application/pdf'
    assert response['Content-Disposition'] == disposition
    assert response['ETag'] == f'"{attachment.sha256}"'
    assert 'Last-Modified' in response
    assert response['X-Content-Type-Options'] == 'nosniff'
    assert 'sandbox' in response['Content-Security-Policy']
    assert response['Cache-Control'] == 'private, no-cache'


#
# The response NetBox gives (Django's test client)
#


def test_offload_is_off_by_default(admin_client):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    response = admin_client.get(download_url(attachment))
    assert response.streaming and body(response) == CONTENT
    assert 'X-Accel-Redirect' not in response and 'X-Sendfile' not in response


@pytest.mark.parametrize('via', ['api', 'media'])
def test_nginx_gets_the_percent_encoded_path_and_our_headers_without_a_body(
    admin_client, plugin_settings, media_root, via
):
    attachment = renamed(make_attachment(filename='plan.pdf', content=CONTENT), media_root)
    url = download_url(attachment) if via == 'api' else f'/media/{urllib.parse.quote(attachment.file.name)}'
    with plugin_settings(file_offload='nginx'):
        response = admin_client.get(url, HTTP_RANGE='bytes=0-9')  # the web server answers the range
    assert response.status_code == 200 and not response.streaming
    assert response['X-Accel-Redirect'] == ODD_PATH
    assert response.content == b''
    assert 'Content-Range' not in response and 'Accept-Ranges' not in response  # the web server's to say
    assert_our_headers(response, attachment, 'attachment; filename="plan.pdf"')


def test_the_utf8_download_name_is_kept(admin_client, plugin_settings):
    attachment = make_attachment(filename='Plan été.pdf', content=CONTENT)
    with plugin_settings(file_offload='nginx'):
        response = admin_client.get(download_url(attachment) + '?inline=1')
    assert response['X-Accel-Redirect'] == ('/netbox-attachments-internal/netbox-attachments/Plan_%C3%A9t%C3%A9.pdf')
    assert response['Content-Disposition'] == "inline; filename*=utf-8''Plan%20%C3%A9t%C3%A9.pdf"


def test_apache_gets_the_absolute_path(admin_client, plugin_settings, media_root):
    attachment = renamed(make_attachment(filename='plan.pdf', content=CONTENT), media_root)
    with plugin_settings(file_offload='apache'):
        response = admin_client.get(download_url(attachment))
    assert response['X-Sendfile'] == urllib.parse.quote(f'{media_root}/{ODD_NAME}')
    assert 'X-Accel-Redirect' not in response and response.content == b''
    assert_our_headers(response, attachment, 'attachment; filename="plan.pdf"')


def test_netbox_image_attachments_are_offloaded_from_their_own_folder(client, plugin_settings):
    from core.models import ObjectType
    from dcim.models import Site
    from django.core.files.uploadedfile import SimpleUploadedFile
    from extras.models import ImageAttachment

    site = Site.objects.create(name='Offload site', slug='offload-site')
    image = ImageAttachment.objects.create(
        object_type=ObjectType.objects.get_for_model(site),
        object_id=site.pk,
        name='Floor plan',
        image=SimpleUploadedFile('floor.png', PNG),
    )
    login(client, 'extras.view_imageattachment')
    with plugin_settings(file_offload='nginx'):
        response = client.get(f'/api/plugins/netbox-attachments/image-attachments/{image.pk}/download/')
    assert response.status_code == 200 and response.content == b''
    assert response['X-Accel-Redirect'] == f'/netbox-attachments-internal/{urllib.parse.quote(image.image.name)}'
    assert response['Content-Type'] == 'image/png' and response['X-Content-Type-Options'] == 'nosniff'


def test_a_matching_conditional_request_gets_304_from_netbox(admin_client, plugin_settings):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='nginx'):
        response = admin_client.get(download_url(attachment), HTTP_IF_NONE_MATCH=f'"{attachment.sha256}"')
        stale = admin_client.get(download_url(attachment), HTTP_IF_NONE_MATCH='"other"')
    assert response.status_code == 304 and 'X-Accel-Redirect' not in response
    assert response['ETag'] == f'"{attachment.sha256}"'
    assert stale.status_code == 200 and 'X-Accel-Redirect' in stale


def test_a_range_with_a_stale_if_range_is_streamed_whole(admin_client, plugin_settings):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='nginx'):
        stale = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=0-9', HTTP_IF_RANGE='"other"')
        current = admin_client.get(
            download_url(attachment), HTTP_RANGE='bytes=0-9', HTTP_IF_RANGE=f'"{attachment.sha256}"'
        )
    assert stale.status_code == 200 and 'X-Accel-Redirect' not in stale and body(stale) == CONTENT
    assert current['X-Accel-Redirect'].endswith('/plan.pdf')


def test_a_hidden_attachment_is_still_404_without_an_offload_header(client, plugin_settings):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    constrained = {'netbox_attachments.netboxattachment': {'name': 'something else'}}
    login(client, *VIEW_ALL, constraints=constrained)
    with plugin_settings(file_offload='nginx'):
        responses = [client.get(download_url(attachment)), client.get(f'/media/{attachment.file.name}')]
    for response in responses:
        assert response.status_code == 404
        assert 'X-Accel-Redirect' not in response


def test_other_storages_keep_streaming(admin_client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='nginx'):
        response = admin_client.get(download_url(attachment))
    assert response.streaming and body(response) == CONTENT
    assert 'X-Accel-Redirect' not in response


@pytest.mark.parametrize(
    'config, fragment',
    [
        (
            {'file_offload': 'lighttpd'},
            "['file_offload']: 'lighttpd' is not one of None, 'nginx', 'apache', 'presigned'",
        ),
        ({'file_offload': True}, "['file_offload']: True is not one of"),
        ({'file_offload_location': 'internal/'}, "['file_offload_location']: 'internal/' must be a URL path"),
        ({'file_offload_location': '/internal'}, 'must be a URL path that starts and ends with "/"'),
        ({'file_offload_location': '/media/'}, "'/media/' must be a path of its own"),
        ({'file_offload_location': '/'}, "'/' must be a path of its own"),
        ({'file_offload_location': '/a/../media/'}, 'must be a path of its own'),
    ],
)
def test_wrong_offload_settings_are_errors(plugin_settings, config, fragment):
    with plugin_settings(**config):
        messages = [(problem.level >= 40, problem.msg) for problem in check_plugin_settings()]
    assert any(is_error and fragment in message for is_error, message in messages), messages


@pytest.mark.parametrize('mode', ['nginx', 'apache'])
def test_valid_offload_settings_pass(plugin_settings, mode):
    with plugin_settings(file_offload=mode, file_offload_location='/protected/files/'):
        assert check_plugin_settings() == []


def test_presigned_passes_on_s3(plugin_settings, s3_storage):
    with plugin_settings(file_offload='presigned'):
        assert check_plugin_settings() == []


@pytest.mark.parametrize('mode, on_s3', [('nginx', True), ('apache', True), ('presigned', False)])
def test_an_offload_the_storage_cannot_use_is_a_warning(request, plugin_settings, mode, on_s3):
    if on_s3:
        request.getfixturevalue('s3_storage')
    with plugin_settings(file_offload=mode):
        problems = check_plugin_settings()
    assert [problem.id for problem in problems] == ['netbox_attachments.W008']
    assert 'files are streamed through NetBox' in problems[0].msg


def test_presigned_needs_urls_the_bucket_signs(plugin_settings, settings, s3_storage):
    settings.STORAGES['default']['OPTIONS']['querystring_auth'] = False  # unsigned URLs: a private bucket refuses them
    settings.STORAGES = dict(settings.STORAGES)
    with plugin_settings(file_offload='presigned'):
        assert [problem.id for problem in check_plugin_settings()] == ['netbox_attachments.W008']


def test_token_users_get_the_offload_too(client, plugin_settings):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    token = Token.objects.create(user=make_user(None, *VIEW_ALL), version=1)
    with plugin_settings(file_offload='nginx'):
        response = client.get(download_url(attachment), HTTP_AUTHORIZATION=f'Token {token.token}')
    assert response.status_code == 200 and response['X-Accel-Redirect'].endswith('/plan.pdf')


#
# Presigned redirects to the bucket (S3-compatible storage)
#


def presigned(response):
    """The query of the redirect's presigned URL, as a dict."""
    assert response.status_code == 302, response
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response['Location']).query))


def lifetime(response):
    """Seconds the redirect's presigned URL stays valid: signature version 2 gives the expiry time, 4 the lifetime."""
    query = presigned(response)
    return int(query['Expires']) - time.time() if 'Expires' in query else int(query['X-Amz-Expires'])


def test_a_download_redirects_to_a_presigned_url_carrying_our_headers(admin_client, plugin_settings, s3_storage, s3):
    attachment = make_attachment(filename='Plan Ü.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.get(download_url(attachment))
    with plugin_settings(file_offload='presigned', signed_link_lifetime=30):
        shorter = admin_client.get(download_url(attachment))
    assert response['Location'].startswith(f'{s3.endpoint}/{s3_storage}/media/netbox-attachments/')
    # A redirect is followed at once: the bucket URL lives 60 s, or signed_link_lifetime if that is shorter.
    assert 50 < lifetime(response) <= 60 and 20 < lifetime(shorter) <= 30
    assert response['Cache-Control'] == 'private, no-store'  # the URL is a credential: no cache may keep it
    assert response['Referrer-Policy'] == 'no-referrer'
    # The bucket answers with the bytes and the headers NetBox would have sent.
    served = requests.get(response['Location'], timeout=30)
    assert served.status_code == 200 and served.content == CONTENT
    assert served.headers['Content-Disposition'] == "attachment; filename*=utf-8''Plan%20%C3%9C.pdf"
    assert served.headers['Content-Type'] == 'application/pdf'
    assert served.headers['Cache-Control'] == 'private, no-cache'
    ranged = requests.get(response['Location'], headers={'Range': 'bytes=10-19'}, timeout=30)
    assert ranged.status_code == 206 and ranged.content == CONTENT[10:20]


@pytest.mark.parametrize(
    'request_headers',
    [
        {'QUERY_STRING': 'inline=1'},  # shown in the browser: NetBox's sandboxing headers must come with it
        {'HTTP_SEC_FETCH_MODE': 'cors'},  # the widget's fetch(): a cross-origin redirect would need bucket CORS
        {'REQUEST_METHOD': 'HEAD'},  # a presigned GET URL does not answer HEAD
        {'HTTP_RANGE': 'bytes=0-1', 'HTTP_IF_RANGE': '"outdated"'},  # the bucket would send the stale range
    ],
)
def test_what_the_bucket_cannot_answer_as_netbox_would_is_streamed(
    admin_client, plugin_settings, s3_storage, request_headers
):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.generic(
            request_headers.pop('REQUEST_METHOD', 'GET'), download_url(attachment), **request_headers
        )
    assert response.status_code == 200 and 'Location' not in response
    assert "default-src 'none'" in response['Content-Security-Policy']


def test_navigations_and_scripts_are_redirected(admin_client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        for headers in ({}, {'HTTP_SEC_FETCH_MODE': 'navigate'}, {'HTTP_RANGE': 'bytes=0-9'}):
            assert admin_client.get(download_url(attachment), **headers).status_code == 302


def test_presigned_redirects_happen_after_the_permission_check(client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    login(client)  # no permission at all
    with plugin_settings(file_offload='presigned'):
        for url in (download_url(attachment), f'/media/{attachment.file.name}'):
            response = client.get(url)
            assert response.status_code in (403, 404) and 'Location' not in response
            assert b'X-Amz' not in response.content and b'Signature' not in response.content


def test_a_missing_object_is_a_clear_404_not_a_redirect(admin_client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    attachment.file.storage.delete(attachment.file.name)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.get(download_url(attachment), HTTP_ACCEPT='application/json')
    assert response.status_code == 404 and 'Location' not in response
    assert response.json() == {'detail': 'The file of this attachment is missing from the storage.'}


def test_a_current_copy_still_gets_304_from_netbox(admin_client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.get(download_url(attachment), HTTP_IF_NONE_MATCH=f'"{attachment.sha256}"')
    assert response.status_code == 304


def test_signed_links_and_media_urls_redirect_too(admin_client, client, plugin_settings, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        signed = admin_client.get(f'{download_url(attachment).removesuffix("download/")}signed-link/').json()['url']
        assert client.get(signed.removeprefix('http://testserver')).status_code == 302
        assert admin_client.get(f'/media/{attachment.file.name}').status_code == 302


def test_local_files_are_streamed_with_presigned_on(admin_client, plugin_settings):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.get(download_url(attachment))
    assert response.status_code == 200 and body(response) == CONTENT


#
# Real nginx in front of a real gunicorn
#

DB_NAME = 'netbox_attachments_offload'
TIMEOUT = 30


@pytest.fixture(scope='module')
def nginx(tmp_path_factory):
    """nginx on a free port in front of gunicorn (offload on), configured as docs/administrator-guide.md says."""
    from dev.live_server import live_server
    from dev.nginx import nginx_in_front

    root = tmp_path_factory.mktemp('offload')
    media_root = root / 'media'
    with live_server(DB_NAME, media_root, plugin_config={'file_offload': 'nginx'}, redis_dbs=(12, 13)) as server:
        prefix = root / 'nginx'
        with nginx_in_front(server.url, media_root, prefix) as url:
            yield {'url': url, 'server': server, 'media_root': media_root, 'prefix': prefix}


def provision(url, username, password):
    response = requests.post(
        f'{url}/api/users/tokens/provision/',
        json={'username': username, 'password': password, 'version': 1},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return {'Authorization': f'Token {response.json()["token"]}'}


MAKE_USERS = """
from core.models import ObjectType
from users.models import ObjectPermission, User
from netbox_attachments.models import NetBoxAttachment

types = [ObjectType.objects.get_for_model(NetBoxAttachment)]
for name, constraints in (('offload-nothing', None), ('offload-other', {'name': 'something else'})):
    user = User.objects.create_user(name, password='offload-pw')
    if constraints:
        permission = ObjectPermission.objects.create(name=name, actions=['view'], constraints=constraints)
        permission.object_types.set(types)
        permission.users.add(user)
"""

RENAME = """
import os, sys
from django.conf import settings
from netbox_attachments.models import NetBoxAttachment

pk, name = int(sys.argv[1]), sys.argv[2]
attachment = NetBoxAttachment.objects.get(pk=pk)
os.replace(os.path.join(settings.MEDIA_ROOT, attachment.file.name), os.path.join(settings.MEDIA_ROOT, name))
NetBoxAttachment.objects.filter(pk=pk).update(file=name)
os.utime(os.path.join(settings.MEDIA_ROOT, name), (1e9, 1e9))  # 2001: nginx's own Last-Modified would differ
"""


@pytest.fixture(scope='module')
def live(nginx):
    """An attachment whose stored name has spaces, Ü and parentheses, an admin token and two users who may not see
    it, through nginx."""
    url = nginx['url']
    nginx['server'].run_python(MAKE_USERS)
    admin = provision(url, 'admin', 'admin')
    content = os.urandom(300_000)
    response = requests.post(
        f'{url}/api/plugins/netbox-attachments/netbox-attachments/',
        headers=admin,
        files={'file': ('Plan Ü.pdf', content)},
        data={'name': 'Offloaded plan'},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    attachment = response.json()
    nginx['server'].run_python(RENAME, str(attachment['id']), ODD_NAME)
    return {
        **nginx,
        'admin': admin,
        'content': content,
        'attachment': attachment,
        'download': attachment['download_url'].replace(nginx['server'].url, url),
        'media': f'{url}/media/{urllib.parse.quote(ODD_NAME)}',
        'nothing': provision(url, 'offload-nothing', 'offload-pw'),
        'other': provision(url, 'offload-other', 'offload-pw'),
    }


def test_nginx_sends_the_exact_bytes_with_our_headers(live):
    response = requests.get(live['download'], headers=live['admin'], timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.content == live['content']
    headers = response.headers
    assert headers['Content-Type'] == 'application/pdf'
    assert headers['Content-Disposition'] == "attachment; filename*=utf-8''Plan%20%28%C3%9C%29%20v2.pdf"
    assert headers['ETag'] == f'"{live["attachment"]["sha256"]}"'
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert 'sandbox' in headers['Content-Security-Policy']
    assert headers['Cache-Control'] == 'private, no-cache'
    assert 'Last-Modified' in headers and 'X-Accel-Redirect' not in headers
    assert headers['Content-Length'] == str(len(live['content']))
    assert ',' not in headers['ETag']  # one ETag: ours, not nginx's beside it
    assert headers['Accept-Ranges'] == 'bytes'  # nginx's own; ours would double it


def test_nginx_answers_ranges(live):
    response = requests.get(live['download'], headers={**live['admin'], 'Range': 'bytes=1000-1999'}, timeout=TIMEOUT)
    assert response.status_code == 206
    assert response.content == live['content'][1000:2000]
    assert response.headers['Content-Range'] == f'bytes 1000-1999/{len(live["content"])}'
    suffix = requests.get(live['download'], headers={**live['admin'], 'Range': 'bytes=-100'}, timeout=TIMEOUT)
    assert suffix.status_code == 206 and suffix.content == live['content'][-100:]
    assert suffix.headers['ETag'] == f'"{live["attachment"]["sha256"]}"'


def test_head_a_range_past_the_end_and_a_current_if_range(live):
    size = len(live['content'])
    head = requests.head(live['download'], headers=live['admin'], timeout=TIMEOUT)
    assert head.status_code == 200 and head.content == b''
    assert head.headers['Content-Length'] == str(size) and head.headers['ETag'] == f'"{live["attachment"]["sha256"]}"'
    past = requests.get(live['download'], headers={**live['admin'], 'Range': f'bytes={size}-'}, timeout=TIMEOUT)
    assert past.status_code == 416 and live['content'][:64] not in past.content
    etag = f'"{live["attachment"]["sha256"]}"'
    ranged = requests.get(
        live['download'], headers={**live['admin'], 'Range': 'bytes=0-99', 'If-Range': etag}, timeout=TIMEOUT
    )
    assert (ranged.status_code, ranged.content) == (206, live['content'][:100])


def test_a_matching_etag_gets_304(live):
    etag = f'"{live["attachment"]["sha256"]}"'
    response = requests.get(live['download'], headers={**live['admin'], 'If-None-Match': etag}, timeout=TIMEOUT)
    assert response.status_code == 304 and response.content == b''


def test_media_urls_are_offloaded_after_the_check(live):
    response = requests.get(live['media'], headers=live['admin'], timeout=TIMEOUT)
    assert response.status_code == 200 and response.content == live['content']


def test_users_who_may_not_see_it_get_404_or_403_and_no_bytes(live):
    for who in ('nothing', 'other'):
        media = requests.get(live['media'], headers=live[who], timeout=TIMEOUT)
        assert media.status_code == 404, who
        assert live['content'][:64] not in media.content
    api = requests.get(live['download'], headers=live['other'], timeout=TIMEOUT)
    assert api.status_code == 404 and live['content'][:64] not in api.content
    # No view permission on attachments at all: NetBox's API refuses before looking the object up.
    assert requests.get(live['download'], headers=live['nothing'], timeout=TIMEOUT).status_code == 403
    assert requests.get(live['download'], timeout=TIMEOUT).status_code == 403


def test_the_internal_location_is_unreachable_from_outside(live):
    for path in (ODD_PATH, '/netbox-attachments-internal/', '/netbox-attachments-internal/netbox-attachments/'):
        response = requests.get(f'{live["url"]}{path}', headers=live['admin'], timeout=TIMEOUT)
        assert response.status_code == 404, path
        assert live['content'][:64] not in response.content
    # /media/ itself goes to NetBox, which checks: without a login there is no file.
    anonymous = requests.get(live['media'], timeout=TIMEOUT, allow_redirects=False)
    assert anonymous.status_code in (302, 403, 404) and live['content'][:64] not in anonymous.content


def test_the_bytes_come_from_nginx_not_gunicorn(live):
    """gunicorn itself answers with the hand-off and no body; nginx reads the file."""
    direct = requests.get(
        live['download'].replace(live['url'], live['server'].url), headers=live['admin'], timeout=TIMEOUT
    )
    assert direct.status_code == 200 and direct.content == b''
    assert direct.headers['X-Accel-Redirect'] == ODD_PATH
    assert 'Accept-Ranges' not in direct.headers
    # Ours (the record's last change), not the file's modification time nginx would send.
    proxied = requests.get(live['download'], headers=live['admin'], timeout=TIMEOUT)
    assert proxied.headers['Last-Modified'] == direct.headers['Last-Modified']
