"""Checksum, size and content type for records that lack them: attachments adopted from netbox-attachments.

Their plugin stored neither checksum nor content type, and sizes only since its 4th migration. Reading every file
inside `netbox migrate` could take hours, so migrate leaves them empty and this fills them in afterwards (`netbox
backfill_attachments`). Each record is written as soon as its file is read: an interrupted run loses at most one
file's work, and the next run goes on with the records still lacking something. Downloads work meanwhile (without
an ETag until the checksum is known).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import NetBoxAttachment

BATCH = 100


def pending():
    """The attachments with a file whose details are not all known, oldest first."""
    return (
        NetBoxAttachment.objects.exclude(file='')
        .filter(Q(sha256='') | Q(content_type='') | Q(size=None))
        .order_by('pk')
        .only('pk', 'file', 'size', 'sha256', 'content_type')
    )


@dataclass
class Result:
    filled: int = 0
    bytes_read: int = 0
    unreadable: list = field(default_factory=list)  # IDs of attachments whose file is missing or unreadable


def backfill(on_file=lambda attachment: None):
    """Fill in what pending() lacks; on_file(attachment) is called after each record (for progress)."""
    result, after = Result(), 0
    while batch := list(pending().filter(pk__gt=after)[:BATCH]):
        for attachment in batch:
            after = attachment.pk
            attachment.refresh_file_details()
            if attachment.sha256:
                # update(), not save(): no change log entry, no new last_updated; nothing a user did has changed.
                # The file name in the filter skips a record whose file was replaced meanwhile.
                NetBoxAttachment.objects.filter(pk=attachment.pk, file=attachment.file.name).update(
                    size=attachment.size, sha256=attachment.sha256, content_type=attachment.content_type
                )
                result.filled += 1
                result.bytes_read += attachment.size
            else:
                result.unreadable.append(attachment.pk)
            on_file(attachment)
    return result
