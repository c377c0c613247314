"""Finding and removing what nobody needs: files no attachment references, and attachments linked to nothing.

Every decision comes from database rows. An attachment whose links point at a model that no longer resolves (a
disabled or uninstalled plugin) still has those links, so it is never collected; a file is an orphan only when no
attachment row names it. Deletion re-checks each candidate inside the deleting transaction, under locks, so a
record that gains a link, or a file that gains a record, after the scan is kept.
"""

import fnmatch
import itertools
import os
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from core.models import ObjectType
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef

from .models import NetBoxAttachment, NetBoxAttachmentAssignment, broken_object_type_ids
from .scope import object_type_label
from .storage import UPLOAD_FOLDER

# Files and records younger than this many seconds may belong to an upload in progress: the cleanup leaves them
# alone unless told otherwise (--min-age), and the import never adopts such a file.
DEFAULT_MIN_AGE = 60
# Rows deleted, or files re-checked and deleted, per transaction: short locks, bounded memory.
BATCH_SIZE = 500
# Taken by the file deletion and by the import that adopts existing files, so neither acts on a stale check.
FILES_LOCK_KEY = 0x4E42_4154  # 'NBAT'


class StorageCannotList(Exception):
    """The storage backend cannot list its files, so orphaned files cannot be found."""


class StoredFile(NamedTuple):
    name: str  # relative to the storage root, as FileField names are
    size: int | None
    modified: float | None  # POSIX timestamp: a float is a fraction of a datetime's memory, times 100,000 files


@dataclass
class Report:
    orphan_files: list = field(default_factory=list)  # StoredFile
    recent_files: list = field(default_factory=list)  # orphan candidates modified within min_age
    excluded_files: list = field(default_factory=list)
    orphan_records: list = field(default_factory=list)  # dicts: pk, name, file, size, created
    recent_records: list = field(default_factory=list)
    excluded_records: list = field(default_factory=list)
    missing_files: list = field(default_factory=list)  # records of any kind whose file is not in the storage
    broken: list = field(default_factory=list)  # (record dict, [object type labels])
    assignments_by_type: Counter = field(default_factory=Counter)  # 'dcim > device' -> count
    files_scanned: int = 0
    records_scanned: int = 0

    @property
    def orphan_file_bytes(self):
        return sum(f.size or 0 for f in self.orphan_files)

    @property
    def orphan_record_bytes(self):
        return sum(r['size'] or 0 for r in self.orphan_records)


#
# Listing
#


def list_files(storage, folder=UPLOAD_FOLDER):
    """Every file below folder, with its size and modification time, in as few storage calls as the backend allows."""
    if isinstance(storage, FileSystemStorage):
        return _list_local(storage, folder)
    if hasattr(storage, 'bucket_name') and hasattr(storage, 'connection'):
        return _list_s3(storage, folder)
    return _list_generic(storage, folder)


def _list_local(storage, folder):
    root = storage.path(folder)
    if not os.path.isdir(root):
        return
    base = storage.path('')
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    name = os.path.relpath(entry.path, base).replace(os.sep, '/')
                    yield StoredFile(name, stat.st_size, stat.st_mtime)


def _list_s3(storage, folder):
    # One listing gives key, size and date; the generic path would ask for each file's size and date separately.
    location = (storage.location or '').strip('/')
    prefix = posixpath.join(location, folder).strip('/') + '/'
    pages = storage.connection.meta.client.get_paginator('list_objects_v2').paginate(
        Bucket=storage.bucket_name, Prefix=prefix
    )
    for page in pages:
        for entry in page.get('Contents', ()):
            key = entry['Key']
            if key.endswith('/'):
                continue  # a folder marker
            name = key[len(location) + 1 :] if location else key
            modified = entry.get('LastModified')
            yield StoredFile(name, entry.get('Size'), modified.timestamp() if modified else None)


def _list_generic(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except NotImplementedError:
        raise StorageCannotList(
            f'The storage {type(storage).__module__}.{type(storage).__name__} cannot list its files, so orphaned '
            'files cannot be found. Use --records-only.'
        ) from None
    except FileNotFoundError:
        return
    for name in files:
        path = posixpath.join(folder, name)
        yield StoredFile(path, storage.size(path), storage.get_modified_time(path).timestamp())
    for sub in folders:
        yield from _list_generic(storage, posixpath.join(folder, sub))


#
# Scanning
#


def is_excluded(name, excludes):
    return any(fnmatch.fnmatchcase(name, mask) for mask in excludes)


def scan(storage, *, min_age=DEFAULT_MIN_AGE, excludes=(), now=None, list_broken=False, files=True):
    """What the cleanup would remove, and what it keeps and why. Reads everything, changes nothing.

    With files=False on a storage that cannot list, records' files are checked one by one instead.
    """
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=min_age) if min_age else None
    report = Report()

    # Names of files that records reference and the listing has not shown yet: what is left at the end is missing.
    unseen = set(NetBoxAttachment.objects.exclude(file='').values_list('file', flat=True))
    listing = list_files(storage)
    try:
        first = next(listing, None)
    except StorageCannotList:
        if files:
            raise
        first, unseen = None, None  # fall back to asking the storage about each record's file
    if first is not None:
        listing = itertools.chain([first], listing)
        for stored_file in listing:
            report.files_scanned += 1
            if stored_file.name in unseen:
                unseen.discard(stored_file.name)
            elif is_excluded(stored_file.name, excludes):
                report.excluded_files.append(stored_file)
            elif cutoff and (stored_file.modified is None or stored_file.modified > cutoff.timestamp()):
                report.recent_files.append(stored_file)  # maybe an upload whose record is not committed yet
            else:
                report.orphan_files.append(stored_file)

    has_assignment = Exists(NetBoxAttachmentAssignment.objects.filter(attachment=OuterRef('pk')))
    records = NetBoxAttachment.objects.annotate(assigned=has_assignment).values(
        'pk', 'name', 'file', 'size', 'created', 'assigned'
    )
    for record in records.order_by('pk').iterator(chunk_size=2000):
        report.records_scanned += 1
        if not record['file'] or (
            record['file'] in unseen if unseen is not None else not storage.exists(record['file'])
        ):
            report.missing_files.append(record)  # reported, never deleted: there is nothing to recover
        elif record['assigned']:
            continue
        elif is_excluded(record['file'], excludes):
            report.excluded_records.append(record)
        elif cutoff and record['created'] > cutoff:
            report.recent_records.append(record)  # e.g. uploaded through the API, to be linked next
        else:
            report.orphan_records.append(record)

    by_type = NetBoxAttachmentAssignment.objects.values('object_type').annotate(count=Count('pk'))
    for row in by_type:
        report.assignments_by_type[object_type_label(ObjectType.objects.get_for_id(row['object_type']))] = row['count']

    if list_broken:
        broken_ids = broken_object_type_ids()
        assignments = NetBoxAttachmentAssignment.objects.filter(object_type_id__in=broken_ids).select_related(
            'attachment', 'object_type'
        )
        by_attachment = {}
        for assignment in assignments.order_by('attachment_id', 'pk'):
            entry = by_attachment.setdefault(assignment.attachment_id, (assignment.attachment, []))
            entry[1].append(assignment.target_label)
        report.broken = list(by_attachment.values())
    return report


#
# Deleting
#


def delete_records(records, storage, *, min_age=DEFAULT_MIN_AGE, now=None):
    """Delete orphaned attachment records (and, on commit, their files). Returns (deleted, kept) counts.

    Each row is locked first, then checked again in a later statement, which sees what committed while the lock
    was awaited: one that gained a link, was updated, lost its file or was replaced by another upload since the
    scan is kept. A link being made holds the attachment's row lock until it commits (NetBoxAttachmentAssignment.
    save), and one that comes after the lock finds the attachment gone and is refused.
    """
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=min_age) if min_age else None
    deleted = 0
    for start in range(0, len(records), BATCH_SIZE):
        batch = {record['pk']: record for record in records[start : start + BATCH_SIZE]}
        with transaction.atomic():
            locked = list(
                NetBoxAttachment.objects.select_for_update().filter(pk__in=batch).order_by('pk').values_list('pk')
            )
            still_orphaned = NetBoxAttachment.objects.filter(pk__in=[pk for (pk,) in locked]).order_by('pk')
            still_orphaned = still_orphaned.exclude(assignments__isnull=False)
            if cutoff:
                still_orphaned = still_orphaned.filter(created__lte=cutoff)
            for attachment in still_orphaned:
                if attachment.file.name != batch[attachment.pk]['file'] or not storage.exists(attachment.file.name):
                    continue  # its file changed or went missing since the scan
                attachment.delete()  # the post_delete signal removes the file after commit
                deleted += 1
    return deleted, len(records) - deleted


def delete_files(names, storage):
    """Delete orphaned files that still have no record. Returns (deleted, kept) counts.

    The check and the deletes run while holding a transaction-level advisory lock that the import of existing
    files also takes, and after a SHARE lock on the attachment table that makes new rows wait, so no record can
    come to name a file between its check and its removal.
    """
    deleted = kept = 0
    table = NetBoxAttachment._meta.db_table
    for start in range(0, len(names), BATCH_SIZE):
        batch = names[start : start + BATCH_SIZE]
        with transaction.atomic():
            lock_files()
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE {connection.ops.quote_name(table)} IN SHARE MODE')
            now_referenced = set(NetBoxAttachment.objects.filter(file__in=batch).values_list('file', flat=True))
            for name in batch:
                if name in now_referenced:
                    kept += 1
                    continue
                storage.delete(name)
                deleted += 1
    return deleted, kept


def lock_files():
    """Serialise with the file deletion (call inside a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute('SELECT pg_advisory_xact_lock(%s)', [FILES_LOCK_KEY])
