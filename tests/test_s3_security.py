"""Attacks on the S3 download path (issue 15): ranged reads, HEAD, errors, key names, SSE-C, disconnects, redirects.

Each test is an attack from an independent review of the change; those that found a hole failed before its fix."""

import base64
import hashlib
import re
import time

import pytest
from django.core.files.base import ContentFile
from extras.models import ImageAttachment

from netbox_attachments.models import NetBoxAttachment

from .factories import make_attachment, make_site
from .helpers import API, API_ATTACHMENTS, body, download_url, login

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 4  # 1024 bytes
VIEW = 'netbox_attachments.view_netboxattachment'
HIDING = {'netbox_attachments.netboxattachment': {'name': 'nothing has this name'}}


def field_storage():
    return NetBoxAttachment._meta.get_field('file').storage


class S3Calls:
    """Every S3 API call the storage's client makes, with its parameters (botocore's provide-client-params)."""

    def __init__(self, storage):
        self.calls = []
        self.events = storage.connection.meta.client.meta.events
        self.events.register('provide-client-params.s3', self.record, unique_id=f'probe-{id(self)}')

    def record(self, params, model, **kwargs):
        self.calls.append((model.name, dict(params)))

    def named(self, name):
        return [params for op, params in self.calls if op == name]

    def stop(self):
        self.events.unregister('provide-client-params.s3', unique_id=f'probe-{id(self)}')


@pytest.fixture
def s3_calls(s3_storage):
    calls = S3Calls(field_storage())
    yield calls
    calls.stop()


def use_s3(settings, s3, bucket, **options):
    from dev.s3_server import s3_storage

    config = s3_storage(bucket, s3.endpoint)
    config['OPTIONS'].update(options)
    settings.STORAGES = {**settings.STORAGES, 'default': config}


#
# 1. A hidden file: no S3 call, and the same answer as a missing one, whatever the method, range or URL
#


def answer(response, url):
    # The UI's 404 page names the requested path: compare the pages with it left out.
    page = re.sub(rb'CSRF_TOKEN = "[^"]*"', b'', body(response).replace(url.encode(), b'<url>'))
    page = re.sub(rb'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC', b'<now>', page)  # the footer's clock
    return response.status_code, page, response.get('Content-Range')


@pytest.mark.parametrize('method', ['get', 'head'])
@pytest.mark.parametrize('header', [None, 'bytes=0-9', 'bytes=5000-', 'bytes=-0', 'bytes=0-1,4-5'])
@pytest.mark.parametrize('where', ['api', 'ui', 'media'])
def test_a_hidden_s3_file_answers_as_a_missing_one_without_touching_the_bucket(client, s3_calls, method, header, where):
    hidden = make_attachment(filename='hidden.txt', content=CONTENT)
    gone = make_attachment(filename='gone.txt', content=CONTENT)
    field_storage().delete(gone.file.name)
    login(client, VIEW, constraints=HIDING)

    def url(attachment, pk=None):
        pk = pk or attachment.pk
        return {
            'api': f'{API_ATTACHMENTS}{pk}/download/',
            'ui': f'/plugins/netbox-attachments/netbox-attachments/{pk}/download/',
            'media': f'/media/{attachment.file.name}' if pk == attachment.pk else '/media/netbox-attachments/nope.txt',
        }[where]

    extra = {'HTTP_RANGE': header} if header else {}
    s3_calls.calls.clear()
    hidden_answer = answer(getattr(client, method)(url(hidden), **extra), url(hidden))
    assert s3_calls.calls == [], f'the bucket was asked about a hidden file: {s3_calls.calls}'
    missing_answer = answer(getattr(client, method)(url(hidden, pk=999999), **extra), url(hidden, pk=999999))
    hidden_gone = answer(getattr(client, method)(url(gone), **extra), url(gone))
    assert hidden_answer[0] == 404 and CONTENT[:10] not in hidden_answer[1]
    assert hidden_answer == missing_answer == hidden_gone


#
# 2. The Range sent to S3 is always the validated one
#


@pytest.mark.parametrize(
    'header, expected_span, status',
    [
        ('bytes=0-0', 'bytes=0-0', 206),
        ('bytes=-1', 'bytes=1023-1023', 206),
        ('bytes=1023-', 'bytes=1023-1023', 206),
        ('bytes=0-999999999999999999', 'bytes=0-1023', 206),
        ('bytes=-999999999999999999', 'bytes=0-1023', 206),
        ('bytes=999999999999999999-', None, 416),
        ('bytes=' + '9' * 19 + '-', 'bytes=0-1023', 200),
        (' bytes=5-9 ', 'bytes=5-9', 206),
        ('bytes=5-9\n', 'bytes=5-9', 206),
        ('bytes=5-9\r\nX-Injected: 1', 'bytes=0-1023', 200),
        ('bytes=5-9, 0-1', 'bytes=0-1023', 200),
        ('bytes=5-9,bytes=0-1', 'bytes=0-1023', 200),
        ('bytes=+5-9', 'bytes=0-1023', 200),
        ('bytes=-5-9', 'bytes=0-1023', 200),
        ('bytes=0x10-20', 'bytes=0-1023', 200),
        ('bytes=\u0665-\u0669', 'bytes=5-9', 206),  # Arabic-Indic digits: \d matches them, int() reads them
        ('BYTES=5-9', 'bytes=0-1023', 200),
        ('bytes=9-5', None, 416),
        ('bytes=-0', None, 416),
    ],
)
def test_the_range_sent_to_s3_is_always_the_validated_one(admin_client, s3_calls, header, expected_span, status):
    attachment = make_attachment(filename='data.bin', content=CONTENT)
    s3_calls.calls.clear()
    response = admin_client.get(download_url(attachment), HTTP_RANGE=header)
    got = body(response)
    assert response.status_code == status
    spans = [params.get('Range') for params in s3_calls.named('GetObject')]
    if expected_span is None:
        assert spans == []
        return
    assert spans == [expected_span]
    start, end = map(int, re.fullmatch(r'bytes=(\d+)-(\d+)', spans[0]).groups())
    assert got == CONTENT[start : end + 1] and response['Content-Length'] == str(len(got))
    assert {op for op, _ in s3_calls.calls} <= {'HeadObject', 'GetObject'}


@pytest.mark.parametrize('header', [None, 'bytes=0-', 'bytes=-1', 'bytes=-0', 'bytes=0-0'])
def test_an_empty_s3_file_never_asks_for_a_range(admin_client, s3_calls, header):
    attachment = make_attachment(filename='empty.bin', content=b'')
    s3_calls.calls.clear()
    response = admin_client.get(download_url(attachment), **({'HTTP_RANGE': header} if header else {}))
    assert body(response) == b''
    assert response.status_code == (200 if header is None else 416)
    assert s3_calls.named('GetObject') == []


#
# 3. SSE-C: the storage's keys are used for every read and never sent to the client
#

SSE_KEY = b'0123456789abcdef0123456789abcdef'


def test_sse_c_keys_are_applied_to_the_ranged_read_and_never_leak(admin_client, settings, s3):
    bucket = s3.create_bucket(f'ssec-{time.monotonic_ns()}')
    use_s3(
        settings,
        s3,
        bucket,
        object_parameters={'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': SSE_KEY.decode()},
    )
    attachment = make_attachment(filename='data.bin', content=CONTENT)
    calls = S3Calls(field_storage())
    try:
        whole = admin_client.get(download_url(attachment))
        whole_body = body(whole)
        part = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=10-19')
        part_body = body(part)
        head = admin_client.head(download_url(attachment))
    finally:
        calls.stop()
    assert whole_body == CONTENT and part_body == CONTENT[10:20]
    for op in ('HeadObject', 'GetObject'):
        assert calls.named(op), op
        for params in calls.named(op):
            assert params.get('SSECustomerKey') == SSE_KEY.decode(), (op, params)
    secrets = (SSE_KEY, base64.b64encode(SSE_KEY), base64.b64encode(hashlib.md5(SSE_KEY).digest()))
    for response in (whole, part, head):
        blob = str(response.items()).encode()
        assert not any(secret in blob for secret in secrets)


#
# 4. Stored names that could step out of the storage's location
#


@pytest.mark.parametrize(
    'name',
    [
        'netbox-attachments/../../outside.txt',
        '../outside.txt',
        '/outside.txt',
        'netbox-attachments/..%2F..%2Foutside.txt',
        'netbox-attachments/%2e%2e/%2e%2e/outside.txt',
        'netbox-attachments/..\\..\\outside.txt',
    ],
)
def test_no_stored_name_reads_an_object_outside_the_location(admin_client, settings, s3_storage, s3, name):
    s3.client().put_object(Bucket=s3_storage, Key='outside.txt', Body=b'outside the location')
    attachment = make_attachment(filename='inside.txt', content=b'inside')
    NetBoxAttachment.objects.filter(pk=attachment.pk).update(file=name)
    admin_client.raise_request_exception = False
    response = admin_client.get(download_url(attachment))
    assert b'outside the location' not in body(response)
    # django-storages refuses such keys (SuspiciousOperation): a file the storage will not read is missing, and the
    # answer does not repeat the stored name (only reachable by writing the name into the database).
    assert response.status_code == 404 and b'outside' not in body(response)


#
# 5. Errors of the bucket: nothing of the endpoint, bucket or key reaches the client
#


@pytest.mark.parametrize('where', ['api', 'ui', 'media', 'signed'])
def test_an_unreachable_bucket_tells_the_client_nothing_about_it(client, settings, s3, where):
    """NetBox's error handlers print str(exception), and botocore's EndpointConnectionError names the endpoint URL,
    the bucket and the key: they reached the client, also an anonymous holder of a signed link (found by review).
    Now a 503 that names nothing of the storage; the log has the details."""
    bucket = s3.create_bucket(f'secret-bucket-name-{time.monotonic_ns()}')
    use_s3(settings, s3, bucket)
    attachment = make_attachment(filename='plan.txt', content=CONTENT)
    # The bucket's endpoint goes away (an outage, a firewall): a port nothing listens on.
    from botocore.config import Config

    quick = Config(connect_timeout=1, retries={'max_attempts': 1})
    use_s3(settings, s3, bucket, endpoint_url='http://127.0.0.1:9', client_config=quick)
    settings.DEBUG = False
    login(client, VIEW)
    signed = (
        client.get(f'{API_ATTACHMENTS}{attachment.pk}/signed-link/').json()['url'].removeprefix('http://testserver')
    )
    if where == 'signed':
        client.logout()
    client.raise_request_exception = False
    url = {
        'signed': signed,
        'api': download_url(attachment),
        'ui': f'/plugins/netbox-attachments/netbox-attachments/{attachment.pk}/download/',
        'media': f'/media/{attachment.file.name}',
    }[where]
    response = client.get(url)
    text = body(response).decode(errors='replace').replace(url, '<url>')  # a 500 page may name the request path
    leaked = [marker for marker in ('127.0.0.1:9', bucket, 'media/netbox-attachments', 'endpoint') if marker in text]
    assert not leaked, f'{response.status_code} leaks {leaked}: {text[:400]}'
    assert response.status_code == 503


#
# 6. The ranged read never sends more bytes than its Content-Length (a server that ignores Range)
#


def test_a_server_that_ignores_range_gets_503_not_wrong_bytes(admin_client, s3_storage):
    """An S3-compatible server or proxy that ignores Range answers with the whole object: sent under a 206 'bytes
    10-19/1024' header, the client would store bytes 0-9 as 10-19, a corrupt resumed file (found by review)."""
    attachment = make_attachment(filename='data.bin', content=CONTENT)
    events = field_storage().connection.meta.client.meta.events

    def drop_range(request, **kwargs):  # an S3-compatible server (or proxy) that answers 200 with the whole object
        request.headers.pop('Range', None)

    events.register('before-send.s3.GetObject', drop_range, unique_id='probe-drop-range')
    try:
        response = admin_client.get(download_url(attachment), HTTP_RANGE='bytes=10-19')
    finally:
        events.unregister('before-send.s3.GetObject', unique_id='probe-drop-range')
    assert response.status_code == 503 and CONTENT not in body(response)


#
# 7. A client that goes away mid-download: the S3 connection and file are closed
#


def test_closing_a_response_mid_download_closes_the_s3_stream(admin_client, s3_storage):
    content = bytes(range(256)) * (8 * 1024 * 4)  # 8 MiB
    attachment = make_attachment(filename='big.bin', content=content)
    response = admin_client.get(download_url(attachment))
    # The test client wraps the stream; the part is the object whose close() the response will call.
    (part,) = [
        closer.__self__
        for closer in response._resource_closers
        if hasattr(closer, '__self__') and type(closer.__self__).__name__ == 'ObjectRange'
    ]
    first = next(iter(response.streaming_content))
    assert first == content[: len(first)]
    raw = part._source._raw_stream
    response.close()  # what the WSGI server does when the client disconnects
    assert raw.closed
    assert part._file.closed


#
# 8. NetBox's image attachments and /media/ on S3 answer as the API does
#


def test_image_attachments_on_s3_use_the_same_ranged_read(client, s3_calls):
    site = make_site()
    from core.models import ObjectType

    image = ImageAttachment.objects.create(
        object_type=ObjectType.objects.get_for_model(site),
        object_id=site.pk,
        name='Floor',
        image=ContentFile(
            b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4'
            b'\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82',
            name='floor.png',
        ),
    )
    login(client, 'extras.view_imageattachment', constraints={'extras.imageattachment': {'name': 'x'}})
    s3_calls.calls.clear()
    for header in ({}, {'HTTP_RANGE': 'bytes=0-3'}):
        assert client.get(f'{API}image-attachments/{image.pk}/download/', **header).status_code == 404
        assert client.head(f'{API}image-attachments/{image.pk}/download/', **header).status_code == 404
    assert s3_calls.calls == []
    login(client, 'extras.view_imageattachment')
    response = client.get(f'{API}image-attachments/{image.pk}/download/', HTTP_RANGE='bytes=0-3')
    assert response.status_code == 206 and body(response) == b'\x89PNG'
    assert [p.get('Range') for p in s3_calls.named('GetObject')] == ['bytes=0-3']


def test_media_url_and_api_download_agree_on_s3(client, s3_storage):
    attachment = make_attachment(filename='plan.pdf', content=CONTENT)
    login(client, VIEW)
    for header in ({}, {'HTTP_RANGE': 'bytes=3-7'}, {'HTTP_RANGE': 'bytes=4000-'}):
        api = client.get(download_url(attachment), **header)
        media = client.get(f'/media/{attachment.file.name}', **header)
        keys = (
            'Content-Type',
            'Content-Length',
            'Content-Range',
            'Content-Disposition',
            'Content-Security-Policy',
            'X-Content-Type-Options',
            'ETag',
            'Cache-Control',
        )
        assert api.status_code == media.status_code
        assert body(api) == body(media)
        assert {k: api.get(k) for k in keys} == {k: media.get(k) for k in keys}


#
# 9. Presigned redirects (uncommitted file_offload='presigned')
#


def test_presigned_redirect_with_sse_c_storage(admin_client, settings, s3, plugin_settings):
    """The SSE-C key never goes into a URL, and there is no redirect at all: a browser cannot send the SSE-C headers
    the bucket would ask for, so the download would fail (found by review). NetBox streams instead."""
    bucket = s3.create_bucket(f'ssec-presigned-{time.monotonic_ns()}')
    use_s3(
        settings, s3, bucket, object_parameters={'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': SSE_KEY.decode()}
    )
    attachment = make_attachment(filename='data.bin', content=CONTENT)
    with plugin_settings(file_offload='presigned'):
        response = admin_client.get(download_url(attachment))
    location = response.get('Location', '')
    assert SSE_KEY.decode() not in location and base64.b64encode(SSE_KEY).decode() not in location
    assert response.status_code == 200, f'redirected to a URL that needs SSE-C headers: {location[:120]}'


def test_presigned_redirect_is_never_given_for_a_hidden_file(client, s3_storage, plugin_settings):
    attachment = make_attachment(filename='hidden.bin', content=CONTENT)
    login(client, VIEW, constraints=HIDING)
    with plugin_settings(file_offload='presigned'):
        for url in (download_url(attachment), f'/media/{attachment.file.name}'):
            response = client.get(url)
            assert response.status_code == 404 and 'Location' not in response


#
# 10. The object read is the one whose metadata was checked (HEAD, then a later GetObject by key only)
#


def test_the_bytes_sent_are_those_of_the_object_opened(client, storage):
    """A race on S3 (found by review): GetObject read the key again at the first read of the body, after the HEAD.
    Had the attachment been deleted and another, which the reader may not view, uploaded under the freed name in
    between, the reader got the other file's bytes under the first one's headers. On local disk the open descriptor
    keeps the old file. Now the GetObject is sent before the response starts, for the version the HEAD saw
    (If-Match)."""
    shown = make_attachment(name='shown', filename='report.txt', content=b'A' * 64)
    login(client, VIEW, constraints={'netbox_attachments.netboxattachment': {'name': 'shown'}})
    response = client.get(download_url(shown))  # permission checked, object opened; the body is not read yet
    assert response.status_code == 200
    name = shown.file.name
    shown.delete()  # its file is deleted after commit (the test runs in one transaction: delete it now)
    if storage.exists(name):
        storage.delete(name)
    other = make_attachment(name='hidden', filename='report.txt', content=b'S' * 64)
    assert other.file.name == name  # a free name is taken again
    try:
        got = body(response)
    except Exception:  # the swap was refused: fine
        return
    assert got != b'S' * 64, f"{storage.kind}: a hidden attachment's bytes were sent under the headers of another"
