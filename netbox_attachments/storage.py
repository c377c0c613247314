"""Everything that touches attachment files: naming uploads, describing their content, deleting them safely."""

import hashlib
import logging
import mimetypes
import os
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

logger = logging.getLogger('netbox_attachments.storage')

# Every attachment file lives below this folder of the storage (MEDIA_ROOT for the default file system storage).
UPLOAD_FOLDER = 'netbox-attachments'
MAX_FILENAME_LENGTH = 100
CHUNK_SIZE = 1024 * 1024


def original_filename(name):
    """The last path component of a client-supplied name, whichever separator the client used."""
    return (name or '').replace('\\', '/').rsplit('/', 1)[-1].strip()


def safe_filename(name):
    """A file name that is safe on any storage: no path, no odd characters, a bounded length, never empty."""
    try:
        cleaned = get_valid_filename(original_filename(name))
    except Exception:  # Django refuses names such as '..' or '' outright
        cleaned = ''
    cleaned = cleaned.lstrip('.') or 'file'
    stem, ext = os.path.splitext(cleaned)
    if len(ext) > 16:  # not a real extension: keep it as part of the stem
        stem, ext = cleaned, ''
    return stem[: MAX_FILENAME_LENGTH - len(ext)] + ext


def attachment_upload_to(instance, filename):
    """upload_to for NetBoxAttachment.file: the attachments folder, a safe name, never an existing file's name.

    Django's local storage already avoids overwriting, but remote storages may not (django-storages' S3 backend
    overwrites by default), so the free name is chosen here for every backend.
    """
    name = posixpath.join(UPLOAD_FOLDER, safe_filename(filename))
    storage = instance.file.storage
    # A name still held by a record whose file has gone missing is taken too: deleting that record would delete it.
    while storage.exists(name) or type(instance)._default_manager.filter(file=name).exists():
        name = storage.get_alternative_name(*posixpath.splitext(name))
    return name


def upload_too_large_message(limit):
    return f'The file is larger than the upload limit of {filesizeformat(limit)} ({limit} bytes, max_upload_size).'


def check_upload_size(file):
    """Refuse a new upload over the max_upload_size setting (the UI form and the API both call this).

    Files already stored are left alone, so lowering the limit never blocks editing an attachment's metadata.
    """
    from .scope import setting

    limit = setting('max_upload_size')
    if limit and isinstance(file, UploadedFile) and file.size > limit:
        raise ValidationError(upload_too_large_message(limit), code='upload_too_large')
    return file


def guess_content_type(filename):
    """The media type for a file name; the client's claim is not trusted, since the type decides inline display."""
    content_type, encoding = mimetypes.guess_type(original_filename(filename), strict=False)
    if content_type is None or encoding is not None:  # e.g. .tar.gz is gzip data, not a tar archive
        return 'application/octet-stream'
    return content_type


def describe(file):
    """Size in bytes and SHA-256 hex digest of a file object, read in chunks so memory stays constant."""
    digest = hashlib.sha256()
    size = 0
    if hasattr(file, 'seek'):
        file.seek(0)
    for chunk in file.chunks(CHUNK_SIZE) if hasattr(file, 'chunks') else iter(lambda: file.read(CHUNK_SIZE), b''):
        digest.update(chunk)
        size += len(chunk)
    if hasattr(file, 'seek'):
        file.seek(0)
    return size, digest.hexdigest()


def delete_file_on_commit(name, storage=default_storage):
    """Remove a stored file once the current transaction commits; a rollback keeps it, with its record."""
    if not name:
        return

    def delete():
        try:
            storage.delete(name)
        except Exception:  # the record is gone already; a leftover file is found by the orphan cleanup
            logger.exception('Could not delete attachment file %s', name)

    transaction.on_commit(delete)
