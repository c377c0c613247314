"""Everything that touches attachment files: naming uploads, describing their content, deleting them safely."""

import hashlib
import logging
import mimetypes
import os
import posixpath
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import get_random_string
from django.utils.text import get_valid_filename

from .internals import allows_overwrite

logger = logging.getLogger('netbox_attachments.storage')

# Every attachment file lives below this folder of the storage (MEDIA_ROOT for the default file system storage).
UPLOAD_FOLDER = 'netbox-attachments'
MAX_FILENAME_LENGTH = 100
CHUNK_SIZE = 1024 * 1024


# Control and format characters (bidirectional overrides such as U+202E can make "gpj.exe" read as "exe.jpg"),
# and line or paragraph separators: none belongs in a name a person reads or a browser saves a file under.
UNSAFE_CATEGORIES = frozenset({'Cc', 'Cf', 'Zl', 'Zp'})


def has_unsafe_characters(text):
    return any(unicodedata.category(char) in UNSAFE_CATEGORIES for char in text or '')


def strip_unsafe_characters(text):
    return ''.join(char for char in text or '' if unicodedata.category(char) not in UNSAFE_CATEGORIES)


def original_filename(name):
    """The last path component of a client-supplied name, whichever separator the client used, without characters
    that could disguise it."""
    return strip_unsafe_characters((name or '').replace('\\', '/').rsplit('/', 1)[-1]).strip()


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
    if storage_overwrites(storage):
        # Such a storage has no "create only if absent": two uploads of one name could both pass the check below and
        # write to one file. A random part from the start keeps them apart.
        name = with_random_part(name)
    # A name still held by a record whose file has gone missing is taken too: deleting that record would delete it.
    while storage.exists(name) or type(instance)._default_manager.filter(file=name).exists():
        name = with_random_part(name)
    return name


def with_random_part(name):
    """'folder/plan.pdf' -> 'folder/plan_a1B2c3D.pdf'. Not the storage's own get_alternative_name(): a storage that
    overwrites may give back the same name, and the loop above would never end."""
    root, ext = posixpath.splitext(name)
    return f'{root}_{get_random_string(7)}{ext}'


def storage_overwrites(storage):
    """True for storages that replace an existing file on save (django-storages' S3 backend by default, Django's file
    system storage with allow_overwrite)."""
    return bool(getattr(storage, 'file_overwrite', False)) or allows_overwrite(storage)


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


# Files stored for attachments inside a removing_unclaimed_uploads() block, as (name, storage) pairs.
_stored_files = ContextVar('netbox_attachments_stored_files', default=None)


def note_stored_file(name, storage):
    """Record a file just stored for an attachment, so the enclosing block can remove it if no record keeps it."""
    stored = _stored_files.get()
    if stored is not None and name:
        stored.append((name, storage))


@contextmanager
def removing_unclaimed_uploads():
    """At the end of the block, delete the files stored inside it that no attachment record names.

    A file is written to the storage before its record is saved, and a rollback (a permission check that fails
    after the save, a refused link, any error) removes the record but not the file. Such a file must not stay: it
    holds the bytes of a refused upload. The check runs after the request's transactions have ended, so it sees
    what was committed (or, inside an outer transaction, what that transaction still holds).
    """
    from .models import NetBoxAttachment

    token = _stored_files.set([])
    try:
        yield
    finally:
        stored = _stored_files.get()
        _stored_files.reset(token)
        for name, storage in stored:
            if not NetBoxAttachment.objects.filter(file=name).exists():
                try:
                    storage.delete(name)
                except Exception:  # the orphan cleanup finds what could not be removed now
                    logger.exception('Could not delete unclaimed upload %s', name)
