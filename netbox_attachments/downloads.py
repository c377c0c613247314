"""Serving stored files: one response builder for every download URL (UI, API, signed links).

It streams from the storage with constant memory, answers conditional requests (ETag/Last-Modified, 304) and single
byte ranges (206/416), and sets headers that keep a browser from running what it downloads. On S3-compatible storage
it reads only the bytes it sends (see `ObjectRange`).

With the `file_offload` setting, the bytes of a file on the local file system are handed to the web server after
the permission check (nginx `X-Accel-Redirect`, Apache mod_xsendfile `X-Sendfile`): see `offload_header`; or, on
S3-compatible storage, a download is redirected to a short-lived presigned URL of the bucket: see
`presigned_redirect`.
"""

import logging
import re
from contextlib import contextmanager
from urllib.parse import quote

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from .internals import s3_object
from .scope import setting
from .storage import CHUNK_SIZE, guess_content_type

logger = logging.getLogger('netbox_attachments.downloads')

# Rendered content may not run scripts, load anything or submit forms; a PDF or image still displays.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"
# Chrome's and Firefox's PDF viewers refuse to start inside a sandboxed document, so inline PDFs get the same
# restrictions without the sandbox directive (the viewer runs no script of the file's own).
PDF_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; object-src 'self'"
MISSING = 'The file of this attachment is missing from the storage.'
UNAVAILABLE = 'The file storage could not be read; try again later.'
# A redirect is followed at once; a short life limits how long a copied bucket URL works (signed_link_lifetime, if
# shorter, applies instead).
PRESIGNED_LIFETIME = 60
# Types that can run script where a browser renders them.
SCRIPTABLE_TYPES = frozenset({'image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml'})
# At most 18 digits: larger numbers are no real range (and would be slow to parse), so the whole file is sent.
RANGE_PATTERN = re.compile(r'^bytes=(\d{0,18})-(\d{0,18})$')


class ReadsAtMost:
    """Reads at most `_remaining` bytes from `_source`, whatever its reads would give."""

    _source = None
    _remaining = 0

    def read(self, size=-1):
        if self._remaining <= 0:
            return b''
        size = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._source.read(size)
        self._remaining -= len(data)
        return data


class BoundedFile(ReadsAtMost):
    """A file positioned at a range start that reads at most `length` bytes.

    A whole file keeps fileno(), so the WSGI server can hand it to the kernel with sendfile; a part hides it and is
    read through read(), since not every server honours the position and Content-Length when sending a descriptor.
    """

    def __init__(self, file, start, length, whole):
        self._file = self._source = file
        self._remaining = length
        self._whole = whole
        file.seek(start)

    def __getattr__(self, name):  # fileno, seek, tell, close, name: the wrapped file's own
        if name == 'fileno' and not self._whole:
            # uWSGI's sendfile sends a file descriptor from offset 0 to its end, ignoring the position and
            # Content-Length; a part is read through read() instead.
            raise AttributeError(name)
        return getattr(self._file, name)


class ObjectRange(ReadsAtMost):
    """Bytes `start` to `start + length` of an S3 object, fetched by one ranged GetObject, read in pieces.

    django-storages' S3File downloads the whole object into memory the first time it is read, so a Range request
    for the last 256 KiB of a 1 GiB file, or the first lines a text preview asks for, fetched 1 GiB from the bucket
    before the first byte went out (issue 15). The object handle fetches exactly the bytes sent, streamed with
    constant memory, with the parameters S3File's own download would use (SSE-C keys, a version, the bucket owner).

    The request is made here, before the response starts, so that its errors get a status. It asks for the version
    the file's metadata came from (If-Match: a name freed and reused in between must not send another file's
    bytes) and checks that the server answered with exactly that range (one that ignores Range sends the whole
    object, which would go out under the range's headers).

    It offers nothing of the S3File but close(): FileResponse would call its seek() and tell(), and S3File answers
    them by downloading the whole object.
    """

    def __init__(self, file, storage, start, length, size):
        from s3transfer.constants import ALLOWED_DOWNLOAD_ARGS  # installed with boto3, which S3 storage needs

        self._file = file
        self._remaining = length
        self._source = None
        if length <= 0:
            return
        obj = s3_object(file)
        params = {
            key: value
            for key, value in storage.get_object_parameters(file.name).items()
            if key in ALLOWED_DOWNLOAD_ARGS
        }
        end = start + length - 1
        answer = obj.get(Range=f'bytes={start}-{end}', IfMatch=obj.e_tag, **params)
        self._source = answer['Body']
        if answer.get('ContentRange') != f'bytes {start}-{end}/{size}':
            self.close()
            raise StorageError(f'the S3 server answered bytes={start}-{end} with {answer.get("ContentRange")!r}')

    def close(self):
        try:
            if self._source is not None:
                self._source.close()
        finally:
            self._file.close()


def open_part(file, storage, start, length, size):
    """A file object that reads `length` bytes of an open stored file of `size` bytes from `start`."""
    if s3_object(file) is not None:
        return ObjectRange(file, storage, start, length, size)
    return BoundedFile(file, start, length, whole=length == size)


class StorageError(Exception):
    """The storage failed in a way that is not a missing file (unreachable, refused, a wrong answer)."""


@contextmanager
def reading_storage():
    """Storage failures as answers that name nothing of the storage (botocore's messages give the endpoint, the
    bucket and the key): a file that is not there, or a name the storage refuses, is NetBox's 404; anything else is
    logged and becomes a StorageError, which file_response answers with 503."""
    try:
        yield
    except Http404:
        raise
    except (OSError, ValueError, SuspiciousOperation):
        raise Http404(MISSING) from None
    except StorageError:
        logger.exception('Reading an attachment file from the storage failed')
        raise
    except Exception as error:
        status = getattr(error, 'response', {}).get('ResponseMetadata', {}).get('HTTPStatusCode')
        if status in (404, 412):  # S3: gone, or replaced since its metadata was read (If-Match)
            raise Http404(MISSING) from None
        logger.exception('Reading an attachment file from the storage failed')
        raise StorageError(type(error).__name__) from error


class StoredFileResponse(FileResponse):
    # Django's 4 KiB blocks cost a Python round trip (and on S3 a socket read) per 4 KiB of a large file; 1 MiB is
    # still a small, constant amount of memory per download. A whole local file goes out by sendfile regardless.
    block_size = CHUNK_SIZE


def may_render_inline(content_type):
    """True when the type is on the `inline_content_types` list: formats a browser shows without running them."""
    return (content_type or '').split(';')[0].strip().lower() in {t.lower() for t in setting('inline_content_types')}


def parse_range(header, size):
    """(start, end) of a single satisfiable byte range, None to send the whole file, or 'unsatisfiable'."""
    match = RANGE_PATTERN.match((header or '').strip())
    if not match or match.groups() == ('', ''):
        return None  # absent, multiple ranges or another unit: a full response is always allowed
    first, last = match.groups()
    if first == '':  # suffix range: the last N bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length and size else 'unsatisfiable'
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return 'unsatisfiable'
    return start, end


def serve_attachment(request, attachment):
    """The file of a NetBoxAttachment (the caller has checked that the user may view it)."""
    return file_response(
        request,
        attachment.file,
        filename=attachment.download_name,
        # Records adopted from netbox-attachments get their content type from the backfill; until then, the name.
        content_type=attachment.content_type or guess_content_type(attachment.file.name),
        etag=attachment.sha256 or None,
        last_modified=attachment.last_updated,
    )


def serve_image(request, image):
    """The file of one of NetBox's ImageAttachments (the caller has checked that the user may view it)."""
    updated = image.last_updated or image.created
    return file_response(
        request,
        image.image,
        filename=image.filename,
        content_type=guess_content_type(image.image.name),
        # No content hash is stored for images: the record and its modification time identify a version.
        etag=f'image-{image.pk}-{int(updated.timestamp()) if updated else 0}',
        last_modified=updated,
    )


def wants_inline(request):
    return request.GET.get('inline') in ('1', 'true', 'True')


def file_response(request, field_file, *, filename, content_type, etag=None, last_modified=None):
    """The response for a GET or HEAD of a stored file, inline when asked for with ?inline=1 and the type allows it.

    404 when the storage can't open the file, 503 when the storage fails otherwise.
    """
    try:
        return _file_response(request, field_file, filename, content_type, etag, last_modified)
    except StorageError:
        return HttpResponse(UNAVAILABLE, status=503, content_type='text/plain; charset=utf-8')


def _file_response(request, field_file, filename, content_type, etag, last_modified):
    content_type = content_type or 'application/octet-stream'
    inline = wants_inline(request) and may_render_inline(content_type)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    etag = f'"{etag}"' if etag else None

    # 304 (or 412) before the storage is touched at all.
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if conditional is not None:
        return _with_headers(conditional, etag, last_modified_ts, content_type, inline)

    offload = offload_header(request, field_file, etag, last_modified_ts)
    if offload is not None:
        response = HttpResponse(status=200, content_type=content_type)
        response['Content-Disposition'] = content_disposition_header(not inline, filename)
        response[offload[0]] = offload[1]
        response = _with_headers(response, etag, last_modified_ts, content_type, inline)
        del response['Accept-Ranges']  # the web server adds its own (nginx would send it twice)
        return response

    redirect = presigned_redirect(request, field_file, filename, content_type, inline, etag, last_modified_ts)
    if redirect is not None:
        return redirect

    with reading_storage():
        # On S3 this loads the object's metadata (size included) and nothing of its content.
        file = field_file.storage.open(field_file.name, 'rb')
        size = file.size

    byte_range = None
    if _range_applies(request, etag, last_modified_ts):
        byte_range = parse_range(request.headers.get('Range'), size)
    if byte_range == 'unsatisfiable':
        file.close()
        response = HttpResponse(status=416)
        response['Content-Range'] = f'bytes */{size}'
        return _with_headers(response, etag, last_modified_ts, content_type, inline)

    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = byte_range, 206
    length = max(end - start + 1, 0)
    if request.method == 'HEAD':  # the same headers, and no body for the server to discard
        file.close()
        response = HttpResponse(status=status, content_type=content_type)
        response['Content-Disposition'] = content_disposition_header(not inline, filename)
    else:
        with reading_storage():
            body = open_part(file, field_file.storage, start, length, size)
        response = StoredFileResponse(
            body, status=status, as_attachment=not inline, filename=filename, content_type=content_type
        )
    # FileResponse measures from the current position to the end of the file; the range may end earlier.
    response['Content-Length'] = str(length)
    if status == 206:
        response['Content-Range'] = f'bytes {start}-{end}/{size}'
    return _with_headers(response, etag, last_modified_ts, content_type, inline)


OFFLOAD_HEADERS = {'nginx': 'X-Accel-Redirect', 'apache': 'X-Sendfile'}


def offload_header(request, field_file, etag, last_modified_ts):
    """(header, value) that hands the file to the web server, or None to stream it from here.

    Called after the permission check and after a matching conditional request got its 304, so the web server only
    ever sends bytes NetBox allowed. The response carries our headers (Content-Disposition, Content-Type, CSP,
    nosniff, ETag, Last-Modified, Cache-Control) and no body; the web server sends the file and answers Range itself.

    Our own few lines rather than django-sendfile2: that library reads its backend, root and URL from Django settings
    (SENDFILE_BACKEND, SENDFILE_ROOT, SENDFILE_URL), which a plugin cannot set through NetBox's configuration, and it
    builds its own response (Content-Disposition, Content-Length) where ours must be kept.

    Only Django's FileSystemStorage is offloaded (the web server reads the file from disk); other storages (S3)
    keep streaming through NetBox. A request with an If-Range that no longer matches is streamed too: the web
    server cannot be told to ignore the Range header, and the current file must be sent whole.
    """
    mode = setting('file_offload')
    if mode not in OFFLOAD_HEADERS or not isinstance(field_file.storage, FileSystemStorage):
        return None
    if 'Range' in request.headers and not _range_applies(request, etag, last_modified_ts):
        return None
    # Stored names are relative, '/'-separated paths without dot segments (storage.safe_filename); percent-encoded,
    # as nginx decodes X-Accel-Redirect's URI and mod_xsendfile (XSendFileUnescape, on by default) its path.
    name = quote(field_file.name, safe='/')
    if mode == 'nginx':
        return OFFLOAD_HEADERS[mode], setting('file_offload_location') + name
    root = quote(str(field_file.storage.location).rstrip('/'), safe='/')
    return OFFLOAD_HEADERS[mode], f'{root}/{name}'


def presigned_redirect(request, field_file, filename, content_type, inline, etag, last_modified_ts):
    """A redirect to a short-lived presigned GetObject URL of the file, or None to stream it from here.

    With `file_offload='presigned'` on django-storages' S3 backend, after the permission check (and a 304 for a
    current copy): the client fetches the bytes from the bucket, which answers Range itself, and no NetBox worker
    is held for the transfer. The URL carries our Content-Disposition, Content-Type and Cache-Control (S3's
    response-* parameters) and expires after PRESIGNED_LIFETIME seconds (or signed_link_lifetime, if shorter);
    until then it works for whoever holds it, like a signed link, except that it does not ask again whether its
    user may still view the file.

    Streamed instead, so NetBox's own headers and answers apply: inline display (the bucket would not send the
    sandboxing CSP and nosniff), fetch() from a page (`Sec-Fetch-Mode` other than navigate: a cross-origin redirect
    would need CORS on the bucket), HEAD (a presigned GET URL refuses it), a Range with a stale If-Range (the bucket
    would send the range), and storages that cannot presign privately (querystring_auth off, or a custom domain,
    whose URLs are not signed by S3, or SSE-C keys, which a browser cannot send).
    """
    storage = field_file.storage
    if (
        setting('file_offload') != 'presigned'
        or not presigns_privately(storage)
        or request.method != 'GET'
        or inline
        or request.headers.get('Sec-Fetch-Mode', 'navigate') != 'navigate'
        or ('Range' in request.headers and not _range_applies(request, etag, last_modified_ts))
    ):
        return None
    with reading_storage():
        if not storage.exists(field_file.name):  # NetBox's clear 404, not the bucket's
            raise Http404(MISSING)
        parameters = {
            'ResponseContentDisposition': content_disposition_header(True, filename),
            # Should an S3-compatible server ignore the disposition, a type that can run script is not rendered.
            'ResponseContentType': 'application/octet-stream' if content_type in SCRIPTABLE_TYPES else content_type,
            'ResponseCacheControl': 'private, no-cache',
        }
        expire = min(setting('signed_link_lifetime'), PRESIGNED_LIFETIME)
        url = storage.url(field_file.name, parameters=parameters, expire=expire)
    response = HttpResponseRedirect(url)
    # The URL is a credential until it expires: no cache may keep it, and the page it leads to gets no referrer.
    response['Cache-Control'] = 'private, no-store'
    response['Referrer-Policy'] = 'no-referrer'
    return response


def presigns_privately(storage):
    """True for django-storages' S3 backend when its URLs are presigned by S3 (querystring_auth on, no custom
    domain) and need nothing else (no SSE-C key): the only URLs of a private bucket a redirect may hand out."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # boto3 is not installed: no storage is S3
        return False
    if not isinstance(storage, S3Storage) or not storage.querystring_auth or storage.custom_domain:
        return False
    # A browser cannot send the SSE-C key the bucket would ask for.
    return not any(key.startswith('SSECustomer') for key in storage.get_object_parameters(''))


def _range_applies(request, etag, last_modified_ts):
    """If-Range: a range is served only while the client's copy is current; otherwise the whole file is sent."""
    if_range = request.headers.get('If-Range')
    if not if_range:
        return True
    if if_range.startswith('"') or if_range.startswith('W/'):
        return etag is not None and if_range == etag
    since = parse_http_date_safe(if_range)
    return since is not None and since == last_modified_ts  # RFC 9110: an exact match only


def _with_headers(response, etag, last_modified_ts, content_type, inline):
    if etag:
        response['ETag'] = etag
    if last_modified_ts is not None:
        response['Last-Modified'] = http_date(last_modified_ts)
    response['Accept-Ranges'] = 'bytes'
    response['X-Content-Type-Options'] = 'nosniff'
    is_pdf = content_type.split(';')[0].strip().lower() == 'application/pdf'
    response['Content-Security-Policy'] = PDF_CSP if inline and is_pdf else SANDBOX_CSP
    # The content is per-user: shared caches must not keep it, the browser revalidates (ETag) before reuse. (A Vary
    # header would say the same, but NetBox's middleware replaces every response's Vary with its own.)
    response['Cache-Control'] = 'private, no-cache'
    return response
