"""File bytes through the API: headers, conditional requests, byte ranges, inline display and signed links."""

import time
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from extras.models import ImageAttachment

from netbox_attachments import signed_links

from .factories import VIEW_ALL, make_attachment, make_site, make_user
from .helpers import API, API_ATTACHMENTS, body, download_url, login

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 4  # 1024 bytes, every offset distinguishable


def signed_url(client, attachment, **params):
    response = client.get(f'{API_ATTACHMENTS}{attachment.pk}/signed-link/', params)
    assert response.status_code == 200, response.content
    return response.json()


#
# Download
#


def test_download_streams_the_file_with_safe_headers(admin_client, storage):
    attachment = make_attachment(filename='rack plan.pdf', content=CONTENT)
    response = admin_client.get(download_url(attachment))
    assert response.status_code == 200 and response.streaming
    assert body(response) == CONTENT
    assert response['Content-Length'] == '1024'
    assert response['Content-Type'] == 'application/pdf'
    assert response['Content-Disposition'] == 'attachment; filename="rack plan.pdf"'
    assert response['X-Content-Type-Options'] == 'nosniff'
    assert (
        'sandbox' in response['Content-Security-Policy'] and "default-src 'none'" in response['Content-Security-Policy']
    )
    assert response['ETag'] == f'"{attachment.sha256}"'
    assert response['Accept-Ranges'] == 'bytes'
    assert 'Last-Modified' in response
    assert response['Cache-Control'] == 'private, no-cache'


def test_download_keeps_the_original_name_utf8_safe(admin_client):
    attachment = make_attachment(filename='Plan été €.pdf')
    assert attachment.file.name == 'netbox-attachments/Plan_été_.pdf'  # stored under a safe name
    disposition = admin_client.get(download_url(attachment))['Content-Disposition']
    assert disposition == "attachment; filename*=utf-8''Plan%20%C3%A9t%C3%A9%20%E2%82%AC.pdf"


def test_a_renamed_attachment_downloads_under_its_file_name(admin_client):
    attachment = make_attachment(filename='scan.pdf', name='Contract with the carrier')
    disposition = admin_client.get(download_url(attachment))['Content-Disposition']
    assert disposition == 'attachment; filename="scan.pdf"'


def test_content_type_comes_from_the_stored_type_not_the_client(admin_client):
    response = admin_client.post(
        API_ATTACHMENTS,
        {'file': SimpleUploadedFile('page.html', b'<script>alert(1)</script>', content_type='image/png')},
    )
    attachment_id = response.json()['id']
    download = admin_client.get(f'{API_ATTACHMENTS}{attachment_id}/download/?inline=1')
    assert download['Content-Type'].startswith('text/html')
    assert download['Content-Disposition'].startswith('attachment;')  # HTML is never shown inline
    assert 'sandbox' in download['Content-Security-Policy']


@pytest.mark.parametrize(
    'filename, inline',
    [('photo.png', True), ('plan.pdf', True), ('notes.txt', True), ('drawing.svg', False), ('page.html', False),
     ('config.conf', False)],
)  # fmt: skip
def test_inline_only_for_types_safe_to_render(admin_client, filename, inline):
    attachment = make_attachment(filename=filename)
    disposition = admin_client.get(f'{download_url(attachment)}?inline=1')['Content-Disposition']
    assert disposition.startswith('inline;' if inline else 'attachment;')


def test_inline_types_are_configurable(admin_client, plugin_settings):
    attachment = make_attachment(filename='photo.png')
    with plugin_settings(inline_content_types=['application/pdf']):
        disposition = admin_client.get(f'{download_url(attachment)}?inline=1')['Content-Disposition']
    assert disposition.startswith('attachment;')


def test_an_inline_pdf_may_use_the_browser_viewer(admin_client):
    attachment = make_attachment(filename='plan.pdf')
    response = admin_client.get(f'{download_url(attachment)}?inline=1')
    assert 'sandbox' not in response['Content-Security-Policy']
    assert "default-src 'none'" in response['Content-Security-Policy']


def test_accept_headers_do_not_block_a_download(admin_client):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    response = admin_client.get(download_url(attachment), HTTP_ACCEPT='application/pdf')
    assert response.status_code == 200 and body(response) == CONTENT


def test_a_missing_file_is_a_clear_404(admin_client, storage):
    attachment = make_attachment()
    attachment.file.storage.delete(attachment.file.name)
    response = admin_client.get(download_url(attachment), HTTP_ACCEPT='application/json')
    assert response.status_code == 404
    assert response.json() == {'detail': 'The file of this attachment is missing from the storage.'}


def test_an_empty_file_downloads(admin_client, storage):
    attachment = make_attachment(content=b'')
    response = admin_client.get(download_url(attachment))
    assert response.status_code == 200 and body(response) == b'' and response['Content-Length'] == '0'


#
# Conditional requests and ranges
#


def test_revalidation_with_the_etag_gets_304(admin_client):
    attachment = make_attachment(content=CONTENT)
    etag = admin_client.get(download_url(attachment))['ETag']
    response = admin_client.get(download_url(attachment), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response['ETag'] == etag
    assert admin_client.get(download_url(attachment), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_revalidation_by_date_gets_304(admin_client):
    attachment = make_attachment(content=CONTENT)
    since = format_datetime(attachment.last_updated, usegmt=True)
    assert admin_client.get(download_url(attachment), HTTP_IF_MODIFIED_SINCE=since).status_code == 304


@pytest.mark.parametrize(
    'header, start, end',
    [('bytes=0-9', 0, 9), ('bytes=1000-', 1000, 1023), ('bytes=-24', 1000, 1023), ('bytes=1020-5000', 1020, 1023)],
)
def test_a_single_byte_range_gets_206(admin_client, storage, header, start, end):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(download_url(attachment), HTTP_RANGE=header)
    assert response.status_code == 206
    assert body(response) == CONTENT[start : end + 1]
    assert response['Content-Range'] == f'bytes {start}-{end}/1024'
    assert response['Content-Length'] == str(end - start + 1)


@pytest.mark.parametrize('header', ['bytes=1024-', 'bytes=2000-3000', 'bytes=-0', 'bytes=9-3'])
def test_an_unsatisfiable_range_gets_416(admin_client, storage, header):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(download_url(attachment), HTTP_RANGE=header)
    assert response.status_code == 416 and response['Content-Range'] == 'bytes */1024'


@pytest.mark.parametrize('header', ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc'])
def test_other_ranges_get_the_whole_file(admin_client, storage, header):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(download_url(attachment), HTTP_RANGE=header)
    assert response.status_code == 200 and body(response) == CONTENT


def test_a_range_for_an_outdated_copy_gets_the_whole_file(admin_client, storage):
    attachment = make_attachment(content=CONTENT)
    etag = admin_client.get(download_url(attachment))['ETag']
    current = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=0-1', HTTP_IF_RANGE=etag)
    outdated = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=0-1', HTTP_IF_RANGE='"old"')
    assert current.status_code == 206 and outdated.status_code == 200


def test_the_ui_download_supports_ranges_too(admin_client):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(
        f'/plugins/netbox-attachments/netbox-attachments/{attachment.pk}/download/', HTTP_RANGE='bytes=10-19'
    )
    assert response.status_code == 206 and body(response) == CONTENT[10:20]


#
# Signed links
#


def test_a_signed_link_serves_the_file_without_session_or_token(admin_client, client):
    attachment = make_attachment(filename='floor.png', content=CONTENT)
    link = signed_url(admin_client, attachment)
    assert link['expires_in'] == 300
    admin_client.logout()
    response = client.get(link['url'].removeprefix('http://testserver'))
    assert response.status_code == 200 and body(response) == CONTENT
    assert response['Content-Type'] == 'image/png'


def test_a_signed_link_supports_inline_display_and_ranges(admin_client):
    attachment = make_attachment(filename='floor.png', content=CONTENT)
    path = signed_url(admin_client, attachment)['url'].removeprefix('http://testserver')
    admin_client.logout()
    assert admin_client.get(f'{path}?inline=1')['Content-Disposition'].startswith('inline;')
    assert body(admin_client.get(path, HTTP_RANGE='bytes=0-3')) == CONTENT[:4]


def test_a_shorter_lifetime_may_be_asked_for_but_not_a_longer_one(admin_client, plugin_settings):
    attachment = make_attachment()
    assert signed_url(admin_client, attachment, expires_in=30)['expires_in'] == 30
    with plugin_settings(signed_link_lifetime=60):
        response = admin_client.get(f'{API_ATTACHMENTS}{attachment.pk}/signed-link/', {'expires_in': 61})
    assert response.status_code == 400
    assert response.json() == {'expires_in': ['Give a whole number of seconds from 1 to 60 (signed_link_lifetime).']}


def test_an_altered_signed_link_is_refused(admin_client, client):
    first, second = make_attachment(content=b'first'), make_attachment(content=b'second')
    token = signed_url(admin_client, first)['url'].rstrip('/').rsplit('/', 1)[1]
    payload, rest = token.split(':', 1)
    forged = signing.dumps({'k': 'attachment', 'o': second.pk, 'u': 1, 'e': 9999999999}, salt='other').split(':', 1)[0]
    for bad in (forged + ':' + rest, token[:-2] + 'xx', 'nonsense'):
        response = client.get(f'{API}signed/{bad}/')
        assert response.status_code == 403
        assert response.json() == {'detail': str(signed_links.INVALID)}


def test_an_expired_signed_link_is_refused(client, superuser):
    attachment = make_attachment()
    token = signing.dumps(
        {'k': 'attachment', 'o': attachment.pk, 'u': superuser.pk, 'e': int(time.time()) - 1}, salt=signed_links.SALT
    )
    response = client.get(f'{API}signed/{token}/')
    assert response.status_code == 403 and response.json() == {'detail': str(signed_links.EXPIRED)}


@pytest.mark.parametrize('revoked', ['permission', 'account'])
def test_a_signed_link_rechecks_its_user_at_each_use(client, revoked):
    from users.models import ObjectPermission

    attachment = make_attachment(content=b'signed bytes')
    user = make_user(None, *VIEW_ALL)
    client.force_login(user)
    path = signed_url(client, attachment)['url'].removeprefix('http://testserver')
    client.logout()
    assert body(client.get(path)) == b'signed bytes'
    if revoked == 'permission':
        ObjectPermission.objects.filter(users=user).delete()
    else:
        user.is_active = False
        user.save()
    response = client.get(path)
    assert response.status_code == 403 and b'signed bytes' not in body(response)
    if revoked == 'permission':
        assert response.json() == {'detail': str(signed_links.REVOKED)}


#
# NetBox's image attachments
#


@pytest.fixture
def image_attachment(media_root):
    from core.models import ObjectType

    site = make_site()
    png = (
        b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89'
        b'\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82'
    )
    return ImageAttachment.objects.create(
        object_type=ObjectType.objects.get_for_model(site),
        object_id=site.pk,
        name='Floor plan',
        image=SimpleUploadedFile('floor.png', png),
    )


def test_image_attachments_download_with_view_permission(client, image_attachment):
    url = f'{API}image-attachments/{image_attachment.pk}/download/'
    login(client, 'extras.view_imageattachment')
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == image_attachment.image.open('rb').read()
    assert response['Content-Type'] == 'image/png' and response['X-Content-Type-Options'] == 'nosniff'
    assert response['Content-Disposition'] == f'attachment; filename="{image_attachment.filename}"'


@pytest.mark.parametrize(
    'permission, constraints, status',
    [
        ('extras.view_imageattachment', {'extras.imageattachment': {'name': 'x'}}, 404),  # hidden by a constraint
        ('dcim.view_site', None, 403),  # no view permission on image attachments at all
    ],
)
def test_image_attachments_are_refused_to_users_who_may_not_view_them(
    client, image_attachment, permission, constraints, status
):
    login(client, permission, constraints=constraints)
    for action in ('download', 'signed-link'):
        response = client.get(f'{API}image-attachments/{image_attachment.pk}/{action}/')
        assert response.status_code == status, action
        assert image_attachment.image.open('rb').read() not in body(response)


def test_image_attachments_have_signed_links(client, image_attachment):
    login(client, 'extras.view_imageattachment')
    response = client.get(f'{API}image-attachments/{image_attachment.pk}/signed-link/')
    assert response.status_code == 200
    client.logout()
    served = client.get(response.json()['url'].removeprefix('http://testserver') + '?inline=1')
    assert served.status_code == 200 and served['Content-Disposition'].startswith('inline;')
    assert body(served)[:8] == b'\x89PNG\r\n\x1a\n'


def test_head_gives_the_headers_without_the_body(admin_client, storage):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.head(download_url(attachment))
    assert response.status_code == 200
    assert response['Content-Length'] == '1024' and response['ETag'] == f'"{attachment.sha256}"'
    assert response['Content-Disposition'] == 'attachment; filename="notes.txt"'
    assert not response.streaming and body(response) == b''


def test_anonymous_readers_get_no_signed_links_even_where_login_is_not_required(client, settings):
    settings.LOGIN_REQUIRED = False
    settings.EXEMPT_VIEW_PERMISSIONS = ['*']
    attachment = make_attachment()
    assert client.get(download_url(attachment)).status_code == 200  # NetBox's exemption applies to the file too
    response = client.get(f'{API_ATTACHMENTS}{attachment.pk}/signed-link/')
    assert response.status_code in (401, 403)
    assert 'signed-in users and API tokens' in response.json()['detail']


def test_absurd_range_numbers_get_the_whole_file(admin_client, storage):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=' + '9' * 5000 + '-')
    assert response.status_code == 200 and body(response) == CONTENT


def test_if_range_dates_must_match_exactly(admin_client):
    attachment = make_attachment(content=CONTENT)
    later = format_datetime(attachment.last_updated + timedelta(days=1), usegmt=True)
    exact = admin_client.get(download_url(attachment))['Last-Modified']
    assert admin_client.get(download_url(attachment), HTTP_RANGE='bytes=0-1', HTTP_IF_RANGE=later).status_code == 200
    assert admin_client.get(download_url(attachment), HTTP_RANGE='bytes=0-1', HTTP_IF_RANGE=exact).status_code == 206


def test_a_part_is_never_handed_to_the_server_as_a_whole_file(media_root):
    from netbox_attachments.downloads import BoundedFile

    attachment = make_attachment(content=CONTENT)
    with open(media_root / attachment.file.name, 'rb') as file:
        # uWSGI's sendfile would send a descriptor's whole file: only a whole-file response offers one.
        assert hasattr(BoundedFile(file, 0, 1024, whole=True), 'fileno')
        part = BoundedFile(file, 10, 10, whole=False)
        assert not hasattr(part, 'fileno')
        assert part.read() == CONTENT[10:20] and part.read() == b''


def test_an_absurd_content_length_on_a_read_is_ignored(admin_client):
    attachment = make_attachment(content=CONTENT)
    response = admin_client.get(download_url(attachment), CONTENT_LENGTH='9' * 5000)
    assert response.status_code == 200


#
# S3-compatible storage: only the bytes asked for are read from the bucket
#

LARGE = 8 * 1024 * 1024


@pytest.fixture
def relayed_s3_storage(settings, s3):
    """A bucket reached through a relay that counts every byte the S3 server sends (dev/s3_server.py)."""
    from dev.s3_server import CountingRelay, s3_storage

    relay = CountingRelay(s3.endpoint)
    bucket = s3.create_bucket(f'relayed-{time.monotonic_ns()}')
    settings.STORAGES = {**settings.STORAGES, 'default': s3_storage(bucket, relay.endpoint)}
    return relay


@pytest.mark.parametrize(
    'header, start, end',
    [
        ('bytes=-262144', LARGE - 262144, LARGE - 1),  # the end of a file: a resumed download, the last lines
        ('bytes=0-65535', 0, 65535),  # what the text preview asks for
        ('bytes=4194304-4456447', 4194304, 4456447),
    ],
)
def test_a_range_of_an_s3_object_reads_only_that_range_from_the_bucket(
    admin_client, relayed_s3_storage, header, start, end
):
    """django-storages' S3File downloads the whole object on its first read (issue 15: 1 GiB for 256 KiB)."""
    content = bytes(range(256)) * (LARGE // 256)
    attachment = make_attachment(filename='big.log', content=content)
    before = relayed_s3_storage.sent
    response = admin_client.get(download_url(attachment), HTTP_RANGE=header)
    assert response.status_code == 206 and body(response) == content[start : end + 1]
    assert response['Content-Range'] == f'bytes {start}-{end}/{LARGE}'
    read = relayed_s3_storage.sent - before
    assert end - start + 1 <= read < end - start + 1 + 16 * 1024  # the range, and a few headers


def test_a_whole_s3_object_streams_in_chunks_read_once(admin_client, relayed_s3_storage):
    content = bytes(range(256)) * (LARGE // 256)
    attachment = make_attachment(filename='big.bin', content=content)
    before = relayed_s3_storage.sent
    response = admin_client.get(download_url(attachment))
    chunks = list(response.streaming_content)
    assert b''.join(chunks) == content and response['Content-Length'] == str(LARGE)
    assert len(chunks) > 1  # streamed, not held whole in memory
    assert LARGE <= relayed_s3_storage.sent - before < LARGE + 16 * 1024


def test_head_of_an_s3_object_reads_no_bytes(admin_client, relayed_s3_storage):
    attachment = make_attachment(filename='big.bin', content=b'x' * LARGE)
    before = relayed_s3_storage.sent
    response = admin_client.head(download_url(attachment), HTTP_RANGE='bytes=0-9')
    assert response.status_code == 206 and response['Content-Length'] == '10'
    assert relayed_s3_storage.sent - before < 16 * 1024
