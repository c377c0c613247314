"""Writes what a user of `netbox-attachments` 12.0.0 would have in their NetBox, and prints a manifest of it as JSON.

Runs inside the peer virtualenv (their plugin, not ours) against a database their `migrate` made; started by
dev/peer_plugin.py's make_peer_database(), which sets the environment:

    <peer venv>/bin/python -P dev/peer_writer.py <media_root> <0013|0011|0007>

State 0013 writes through their models, inside NetBox's event tracking so that NetBox's own signals log the
changes as a request would. Their 12.0.0 models do not match the schema of states 0011 and 0007, so those get a
few rows by SQL and their files, enough to check that rows, ids, links and files survive a migration.

Every attachment in the manifest has `links` (object type label and id), whatever the state: at 0007 the link is a
column of the attachment row and `assignments` is empty.
"""

import hashlib
import json
import os
import random
import sys
import uuid
from importlib.metadata import version
from pathlib import Path

import django

# Only the manifest goes to stdout, whatever NetBox or their plugin print.
MANIFEST_OUT, sys.stdout = sys.stdout, sys.stderr
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'netbox.settings')
django.setup()

from core.events import OBJECT_CREATED, OBJECT_UPDATED  # noqa: E402
from core.models import ObjectChange, ObjectType  # noqa: E402
from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Site  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import QueryDict  # noqa: E402
from extras.models import (  # noqa: E402
    Bookmark,
    CustomField,
    EventRule,
    JournalEntry,
    SavedFilter,
    Subscription,
    Tag,
    Webhook,
)
from netbox.context_managers import event_tracking  # noqa: E402
from users.models import ObjectPermission, Owner, OwnerGroup  # noqa: E402
from utilities.request import NetBoxFakeRequest  # noqa: E402

import netbox_attachments  # noqa: E402
from netbox_attachments.filtersets import NetBoxAttachmentFilterSet  # noqa: E402
from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment  # noqa: E402

# The point of the harness: if our package shadowed theirs, everything below would test the wrong code.
package = Path(netbox_attachments.__file__).resolve()
if version('netbox-attachments') != '12.0.0' or not package.is_relative_to(Path(sys.prefix).resolve()):
    sys.exit(f'peer_writer: netbox_attachments comes from {netbox_attachments.__file__}, not their 12.0.0')

FOLDER = 'netbox-attachments'
ASSIGNMENTS = 'netbox_attachments_netboxattachmentassignment'


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def pdf_bytes(title):
    # Enough of a PDF for a MIME sniffer; the bytes only need to be distinct and checkable.
    body = b'1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
    return b'%PDF-1.4\n% ' + title.encode() + b'\n' + body


def put_file(name, data):
    """Bytes stored under `name` exactly, as an older release or a storage that keeps every character stored them."""
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def label(object_type):
    return f'{object_type.app_label}.{object_type.model}'


def netbox_objects():
    site = Site.objects.create(name='Peer Site', slug='peer-site')
    manufacturer = Manufacturer.objects.create(name='Peer Manufacturer', slug='peer-manufacturer')
    device_type = DeviceType.objects.create(manufacturer=manufacturer, model='Peer Switch', slug='peer-switch')
    role = DeviceRole.objects.create(name='Peer Role', slug='peer-role')
    devices = [
        Device.objects.create(name=name, site=site, device_type=device_type, role=role)
        for name in ('peer-device-1', 'peer-device-2')
    ]
    objects = {
        'site': {'id': site.pk, 'name': site.name},
        'manufacturer': {'id': manufacturer.pk, 'name': manufacturer.name},
        'device_type': {'id': device_type.pk, 'model': device_type.model},
        'role': {'id': role.pk, 'name': role.name},
        'devices': [{'id': device.pk, 'name': device.name} for device in devices],
    }
    return site, devices, objects


def object_types_manifest(*models):
    return {label(ot): ot.pk for ot in (ObjectType.objects.get_for_model(model) for model in models)}


def write_0013(manifest):
    user_model = get_user_model()
    admin = user_model.objects.create_superuser('peer-admin', 'peer-admin@example.com', 'peer-admin')
    viewer = user_model.objects.create_user('peer-viewer', 'peer-viewer@example.com', 'peer-viewer')
    attachment_type = ObjectType.objects.get_for_model(NetBoxAttachment)
    assignment_type = ObjectType.objects.get_for_model(NetBoxAttachmentAssignment)
    device_ot = ObjectType.objects.get_for_model(Device)
    site_ot = ObjectType.objects.get_for_model(Site)

    # What NetBox's runscript command passes as a request: the change log needs `user` and `id`.
    request = NetBoxFakeRequest({
        'META': {}, 'COOKIES': {}, 'POST': {}, 'GET': {}, 'FILES': {},
        'user': admin, 'method': 'POST', 'path': '/peer-writer/', 'id': uuid.uuid4(),
    })  # fmt: skip
    # Ids in ranges of their own, as deletions leave them: a test that mixes up attachment, assignment and device
    # ids, or takes them for positions, fails instead of passing by chance.
    with connection.cursor() as cursor:
        for table, last_id in (('netbox_attachments_netboxattachment', 100), (ASSIGNMENTS, 200)):
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last_id])
    attachments, assignments = {}, []
    written = {}  # key -> the bytes of its file
    with event_tracking(request):
        site, devices, manifest['netbox_objects'] = netbox_objects()
        doc_tag = Tag.objects.create(name='Peer doc', slug='peer-doc')
        link_tag = Tag.objects.create(name='Peer link', slug='peer-link')
        attachment_field = CustomField.objects.create(name='peer_reference', label='Peer reference', type='text')
        attachment_field.object_types.set([attachment_type])
        assignment_field = CustomField.objects.create(name='peer_link_note', label='Peer link note', type='text')
        assignment_field.object_types.set([assignment_type])
        owner_group = OwnerGroup.objects.create(name='Peer team')
        owner = Owner.objects.create(name='Peer docs', group=owner_group)

        def upload(key, name, filename, data, **fields):
            # Their upload path: upload_to renames to `name` + the upload's suffixes, the storage cleans the name.
            attachment = NetBoxAttachment(name=name, file=ContentFile(data, name=filename), **fields)
            attachment.save()
            attachments[key], written[key] = attachment, data

        def stored(key, file_name, data, name=''):
            put_file(file_name, data)
            attachment = NetBoxAttachment(name=name, file=file_name)
            attachment.save()
            attachments[key], written[key] = attachment, data

        upload(
            'pdf',
            'Rack 3 installation manual',
            'manual.pdf',
            pdf_bytes('Rack 3 installation manual'),
            description='Installation manual',
            comments='From the vendor.',
            owner=owner,
            custom_field_data={'peer_reference': 'RMA-42'},
        )
        upload('odd_upload', '-Übersicht (Rack 3) v1.2', 'export.final.tar.gz', b'\x1f\x8b' + os.urandom(2048))
        # Spaces and parentheses: their file system storage strips them, S3-like storages and scripts keep them.
        stored('odd_stored', f'{FOLDER}/-Übersicht (Rack 3) v1.2.final.pdf', pdf_bytes('Übersicht'))
        # Their upload_to up to 10.x: <object type name>_<object id>_<file name>.
        stored(
            'old_pattern',
            f'{FOLDER}/device_{devices[0].pk}_Rack_photo.jpg',
            b'\xff\xd8\xff\xe0' + os.urandom(4096),
            name='Rack photo',
        )
        upload('size_null', 'Cabling plan', 'cabling.txt', b'port 1 -> patch panel A1\n' * 40)
        upload('large', '', 'firmware-3.2.1.bin', random.Random(13).randbytes(3 * 1024 * 1024))
        # Same name and file name as 'pdf': the storage adds its collision suffix.
        upload('unlinked', 'Rack 3 installation manual', 'manual.pdf', pdf_bytes('second copy'))

        attachments['pdf'].tags.add(doc_tag)
        attachments['odd_upload'].tags.add(doc_tag, link_tag)

        def assign(key, obj, object_type, **fields):
            assignment = NetBoxAttachmentAssignment.objects.create(
                attachment=attachments[key], object_type=object_type, object_id=obj.pk, **fields
            )
            assignments.append(assignment)
            return assignment

        first = assign('pdf', devices[0], device_ot, custom_field_data={'peer_link_note': 'front panel'})
        first.tags.add(link_tag)
        assign('pdf', devices[1], device_ot)
        assign('pdf', site, site_ot)
        assign('odd_upload', devices[0], device_ot)
        assign('odd_stored', site, site_ot)
        assign('old_pattern', devices[0], device_ot)
        assign('size_null', devices[1], device_ot)
        assign('large', devices[1], device_ot)

        journal = JournalEntry.objects.create(
            assigned_object=attachments['pdf'], created_by=admin, kind='info', comments='Checked against rack 3.'
        )

    # A size their save() could not determine (file missing at the time, or rows from before 0004).
    NetBoxAttachment.objects.filter(pk=attachments['size_null'].pk).update(size=None)

    # Made after the tracked block: an enabled event rule would otherwise queue webhooks for the writes above.
    constraint = {'attachment_assignments__object_type__model': 'device'}
    view_attachments = ObjectPermission.objects.create(
        name='Peer: attachments of devices', actions=['view'], constraints=constraint
    )
    view_attachments.object_types.set([attachment_type])
    view_attachments.users.add(viewer)
    view_assignments = ObjectPermission.objects.create(
        name='Peer: assignments', actions=['view', 'change'], constraints={'object_type__model': 'device'}
    )
    view_assignments.object_types.set([assignment_type])
    view_assignments.users.add(viewer)
    # Their related name works in a constraint with their code, directly and through NetBox's permission backend.
    matches = sorted(set(NetBoxAttachment.objects.filter(**constraint).values_list('pk', flat=True)))
    visible = sorted(
        NetBoxAttachment.objects.restrict(user_model.objects.get(pk=viewer.pk), 'view').values_list('pk', flat=True)
    )
    if not matches or matches != visible:
        sys.exit(f'peer_writer: the constraint matches {matches}, the viewer sees {visible}')

    saved_filter = SavedFilter.objects.create(
        name='Peer documents', slug='peer-documents', user=admin, shared=True, parameters={'tag': ['peer-doc']}
    )
    saved_filter.object_types.set([attachment_type])
    # Their name and description filters match substrings: what this filter selects must survive the switch.
    by_name = SavedFilter.objects.create(
        name='Peer manuals', slug='peer-manuals', user=admin, shared=True, parameters={'name': ['manual']}
    )
    by_name.object_types.set([attachment_type])
    by_name_matches = sorted(
        NetBoxAttachmentFilterSet(QueryDict(f'filter={by_name.slug}'), NetBoxAttachment.objects.all()).qs.values_list(
            'pk', flat=True
        )
    )
    bookmark = Bookmark.objects.create(object=attachments['pdf'], user=viewer)
    subscription = Subscription.objects.create(object=attachments['pdf'], user=viewer)
    webhook = Webhook.objects.create(name='Peer webhook', payload_url='http://127.0.0.1:9/peer-webhook')
    event_rule = EventRule.objects.create(
        name='Peer attachment events',
        event_types=[OBJECT_CREATED, OBJECT_UPDATED],
        action_type='webhook',
        action_object=webhook,
    )
    event_rule.object_types.set([attachment_type, assignment_type])

    for attachment in attachments.values():
        attachment.refresh_from_db()
    changes = ObjectChange.objects.filter(request_id=request.id).order_by('pk')
    manifest.update({
        'users': {user.username: record(user, 'is_superuser') for user in (admin, viewer)},
        'object_types': object_types_manifest(NetBoxAttachment, NetBoxAttachmentAssignment, Device, Site),
        'attachments': [
            attachment_manifest(key, attachment, written[key], [a for a in assignments if a.attachment == attachment])
            for key, attachment in attachments.items()
        ],
        'assignments': [
            record(a, 'attachment_id', 'object_type_id', 'object_id', 'custom_field_data',
                   object_type=label(a.object_type), tags=sorted(a.tags.slugs()))
            for a in assignments
        ],
        'tags': [record(tag, 'slug', 'name') for tag in (doc_tag, link_tag)],
        'custom_fields': [
            record(field, 'name', 'type', object_types=labels(field.object_types))
            for field in (attachment_field, assignment_field)
        ],
        'owner_group': record(owner_group, 'name'),
        'owner': record(owner, 'name', 'group_id'),
        'journal_entries': [
            record(journal, 'assigned_object_id', 'kind', 'comments', assigned_object_type=label(attachment_type))
        ],
        'request_id': str(request.id),
        'object_changes': [
            record(change, 'action', 'changed_object_id', 'user_id', 'request_id',
                   changed_object_type=label(change.changed_object_type))
            for change in changes
        ],
        'permissions': [
            record(permission, 'name', 'actions', 'constraints', object_types=labels(permission.object_types),
                   user_ids=list(permission.users.values_list('pk', flat=True)))
            for permission in (view_attachments, view_assignments)
        ],
        # The attachments their constraint selects, i.e. those the viewer may see.
        'constraint_matches': matches,
        'saved_filters': [
            record(saved_filter, 'slug', 'user_id', 'shared', 'parameters',
                   object_types=labels(saved_filter.object_types))
            for saved_filter in (saved_filter, by_name)
        ],
        # The attachments their filter set selects with each saved filter's parameters.
        'saved_filter_matches': {by_name.slug: by_name_matches},
        'bookmarks': [record(bookmark, 'object_id', 'user_id', object_type=label(bookmark.object_type))],
        'subscriptions': [record(subscription, 'object_id', 'user_id', object_type=label(subscription.object_type))],
        'webhooks': [record(webhook, 'name', 'payload_url')],
        'event_rules': [
            record(event_rule, 'name', 'event_types', 'action_object_id', object_types=labels(event_rule.object_types))
        ],
    })  # fmt: skip


def record(obj, *fields, **extra):
    return {'id': obj.pk, **{name: getattr(obj, name) for name in fields}, **extra}


def labels(object_types):
    return sorted(label(object_type) for object_type in object_types.all())


def attachment_manifest(key, attachment, data, links):
    return {
        'key': key,
        'id': attachment.pk,
        'name': attachment.name,
        'description': attachment.description,
        'file': attachment.file.name,
        'size': attachment.size,  # as stored: None for 'size_null'
        'bytes': len(data),
        'sha256': sha256(data),
        'owner_id': attachment.owner_id,
        'tags': sorted(attachment.tags.slugs()),
        'custom_field_data': attachment.custom_field_data,
        'links': [{'object_type': label(a.object_type), 'object_id': a.object_id} for a in links],
    }


def write_by_sql(manifest, state):
    """Rows as their 11.0.x (0011) or 5.x-10.x (0007) left them, which their 12.0.0 models cannot write."""
    site, devices, manifest['netbox_objects'] = netbox_objects()
    device_ot, site_ot = ObjectType.objects.get_for_model(Device), ObjectType.objects.get_for_model(Site)
    # (id, name, file, bytes, links). Ids with gaps, as deletions leave them; the sequences are moved past them below.
    rows = [
        (5, 'Rack 3 installation manual', f'{FOLDER}/Rack_3_installation_manual.pdf', pdf_bytes('manual'),
         [(device_ot, devices[0]), (device_ot, devices[1]), (site_ot, site)]),
        (8, '', f'{FOLDER}/device_{devices[0].pk}_-Übersicht_v1.2.final.tar.gz', b'\x1f\x8b' + os.urandom(1024),
         [(device_ot, devices[0])]),
        (9, 'Site photo', f'{FOLDER}/site_{site.pk}_photo.jpg', b'\xff\xd8\xff\xe0' + os.urandom(2048),
         [(site_ot, site)]),
    ]  # fmt: skip
    if state == '0011':  # at 0007 every attachment has exactly one link
        rows.append((12, 'Unlinked notes', f'{FOLDER}/notes.txt', b'nothing links here\n', []))
    manifest['object_types'] = object_types_manifest(NetBoxAttachment, NetBoxAttachmentAssignment, Device, Site)
    manifest['attachments'], manifest['assignments'] = [], []
    assignment_id = 20
    with transaction.atomic(), connection.cursor() as cursor:
        for pk, name, file_name, data, links in rows:
            put_file(file_name, data)
            # The last row's size is NULL, as in rows from before their 0004 or when the size was unknown.
            size = None if pk == rows[-1][0] else len(data)
            columns = {'id': pk, 'name': name, 'file': file_name, 'size': size, 'description': f'attachment {pk}'}
            if state == '0007':  # the link is a column of the attachment row: one per attachment
                links = links[:1]
                columns |= {'object_type_id': links[0][0].pk, 'object_id': links[0][1].pk}
            cursor.execute(
                'INSERT INTO netbox_attachments_netboxattachment '
                f'(created, last_updated, comments, custom_field_data, {", ".join(columns)}) '
                f"VALUES (now(), now(), '', '{{}}', {', '.join(['%s'] * len(columns))})",
                list(columns.values()),
            )
            manifest['attachments'].append({
                'key': f'sql_{pk}', 'id': pk, 'name': name, 'description': columns['description'], 'file': file_name,
                'size': size, 'bytes': len(data), 'sha256': sha256(data),
                'links': [{'object_type': label(ot), 'object_id': obj.pk} for ot, obj in links],
            })  # fmt: skip
            for object_type, obj in links if state == '0011' else ():
                cursor.execute(
                    f'INSERT INTO {ASSIGNMENTS} '
                    '(id, created, last_updated, custom_field_data, attachment_id, object_type_id, object_id) '
                    "VALUES (%s, now(), now(), '{}', %s, %s, %s)",
                    [assignment_id, pk, object_type.pk, obj.pk],
                )
                manifest['assignments'].append({
                    'id': assignment_id, 'attachment_id': pk, 'object_type': label(object_type),
                    'object_type_id': object_type.pk, 'object_id': obj.pk,
                })  # fmt: skip
                assignment_id += 3
        tables = ['netbox_attachments_netboxattachment'] + ([ASSIGNMENTS] if state == '0011' else [])
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def main(media_root, state):
    if Path(settings.MEDIA_ROOT).resolve() != Path(media_root).resolve():
        sys.exit(f'peer_writer: MEDIA_ROOT is {settings.MEDIA_ROOT}, not {media_root}')
    manifest = {
        'state': state,
        'netbox_version': version('netbox'),
        'peer_version': version('netbox-attachments'),
        'database': connection.settings_dict['NAME'],
        'media_root': str(media_root),
    }
    if state == '0013':
        with transaction.atomic():
            write_0013(manifest)
    elif state in ('0011', '0007'):
        write_by_sql(manifest, state)
    else:
        sys.exit(f'peer_writer: unknown state {state}')
    json.dump(manifest, MANIFEST_OUT, indent=1, ensure_ascii=False, default=str)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
