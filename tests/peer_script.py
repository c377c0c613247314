"""A pynetbox script as a user of netbox-attachments 12.x writes it from that plugin's documentation (issue 13).

Their documentation describes two endpoints, /api/plugins/netbox-attachments/netbox-attachments/ and
/netbox-attachment-assignments/, a two-step workflow (upload an attachment, then link it), the filters attachment_id,
object_type_id, object_id and q on assignments and has_assignments / has_broken_assignments on attachments, the
fields of the nested `assignments` items, the 400 for an object type outside the plugin's scope and for a duplicate
link, and the lifecycle: unlinking keeps the attachment, deleting it removes its links. This script does all of that
through pynetbox, as pynetbox names the endpoints, and checks every documented promise. It is run against this
plugin by tests/test_live_api.py: their scripts must run unchanged.

    python tests/peer_script.py --url http://netbox:8000 --token <token> \
        --device 7 --site 3 --outside-scope extras.tag:2

--device and --site are two objects the plugin may link to; --outside-scope names an object whose type the plugin's
scope leaves out. The script cleans up after itself. Exit status 0: everything as documented; 1: a deviation, named on
standard error.
"""

import argparse
import sys
import tempfile
import uuid
from contextlib import suppress
from pathlib import Path

import pynetbox

# The fields of an attachment (their serializer, all read by their users' scripts) and of each item of its nested
# `assignments` list (their documented table, plus tags and custom fields, which their items also carry).
ATTACHMENT_FIELDS = {
    'id', 'url', 'display', 'name', 'description', 'file', 'size', 'owner', 'assignments', 'created',
    'last_updated', 'comments', 'tags', 'custom_fields',
}  # fmt: skip
ASSIGNMENT_ITEM_FIELDS = {
    'id', 'url', 'display', 'attachment', 'object_type', 'object_id', 'parent', 'tags', 'custom_fields', 'created',
    'last_updated',
}  # fmt: skip
BRIEF_ATTACHMENT_FIELDS = {'id', 'url', 'display', 'name', 'description', 'file'}


class Deviation(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Deviation(message)


def check_fields(representation, expected, what):
    missing = sorted(expected - set(representation))
    check(not missing, f'{what} lacks the fields {", ".join(missing)}')


def reference_id(value):
    """The ID in an attachment reference: their documentation calls it a nested reference, their code sent the ID."""
    return value['id'] if isinstance(value, dict) else value


def expect_refusal(call, field, what):
    try:
        call()
    except pynetbox.RequestError as error:
        check(error.req.status_code == 400, f'{what}: answered {error.req.status_code}, documented 400')
        if field is not None:
            check(field in error.error, f'{what}: the 400 does not name {field!r}: {error.error}')
        return
    raise Deviation(f'{what}: accepted, documented as refused with 400')


def ids(records):
    return [record.id for record in records]


def run(nb, device_id, site_id, outside_type, outside_id, workdir):
    attachments = nb.plugins.netbox_attachments.netbox_attachments
    assignments = nb.plugins.netbox_attachments.netbox_attachment_assignments
    device_type = nb.core.object_types.get(app_label='dcim', model='device')
    check(device_type is not None, 'the object type dcim.device was not found')
    marker = f'peer-script-{uuid.uuid4().hex[:10]}'
    content = f'Manual for device {device_id}, {marker}\n'.encode() * 100
    manual = Path(workdir) / 'manual.pdf'
    manual.write_bytes(content)

    # 1) Upload the attachment.
    with open(manual, 'rb') as file_handle:
        attachment = attachments.create(
            name=f'Device Manual {marker}',
            description=f'Manual for device {device_id}',
            comments='Uploaded via API',
            file=file_handle,
        )
    try:
        uploaded = dict(attachment)
        check_fields(uploaded, ATTACHMENT_FIELDS, 'the attachment')
        check(uploaded['name'] == f'Device Manual {marker}', f'name is {uploaded["name"]!r}')
        check(uploaded['description'] == f'Manual for device {device_id}', 'description not stored')
        check(uploaded['comments'] == 'Uploaded via API', 'comments not stored')
        check(uploaded['size'] in (len(content), None), f'size is {uploaded["size"]}, not {len(content)} or null')
        check('netbox-attachments/' in (uploaded['file'] or ''), f'file is {uploaded["file"]!r}, not its /media/ URL')
        check(uploaded['assignments'] == [], f'a new attachment has assignments: {uploaded["assignments"]}')

        # 2) Link it to the device and to the site.
        link = assignments.create(attachment=attachment.id, object_type='dcim.device', object_id=device_id)
        site_link = assignments.create(attachment=attachment.id, object_type='dcim.site', object_id=site_id)
        linked = dict(link)
        check(reference_id(linked['attachment']) == attachment.id, f'the link names attachment {linked["attachment"]}')
        check((linked['object_type'], linked['object_id']) == ('dcim.device', device_id), f'link made: {linked}')
        check((linked['parent'] or {}).get('id') == device_id, f"the link's parent is {linked['parent']}")
        expect_refusal(
            lambda: assignments.create(attachment=attachment.id, object_type='dcim.device', object_id=device_id),
            None,
            'a duplicate link',
        )
        expect_refusal(
            lambda: assignments.create(attachment=attachment.id, object_type=outside_type, object_id=outside_id),
            'object_type',
            f'a link to {outside_type}, outside the scope',
        )

        # List and filter.
        check(attachment.id in ids(attachments.all()), 'the attachment is not in the list')
        check(link.id in ids(assignments.all()), 'the link is not in the list')
        check(len(list(attachments.all())) == attachments.count(), 'the attachment count differs from the list')
        check(ids(attachments.filter(q=marker)) == [attachment.id], 'q does not find the attachment by its name')
        check(attachment.id in ids(attachments.filter(has_assignments=True)), 'has_assignments=true misses it')
        check(attachment.id not in ids(attachments.filter(has_assignments=False)), 'has_assignments=false has it')
        check(attachment.id in ids(attachments.filter(has_broken_assignments=False)), 'has_broken_assignments=false')
        by_attachment = sorted(ids(assignments.filter(attachment_id=attachment.id)))
        check(by_attachment == sorted([link.id, site_link.id]), f'attachment_id finds {by_attachment}')
        by_object = ids(assignments.filter(object_type_id=device_type.id, object_id=device_id))
        check(link.id in by_object and site_link.id not in by_object, f'object_type_id + object_id find {by_object}')
        check(sorted(ids(assignments.filter(q=marker))) == sorted([link.id, site_link.id]), 'q on assignments')

        # The nested assignments of the attachment, as documented.
        fetched = dict(attachments.get(attachment.id))
        items = {item['id']: item for item in fetched['assignments']}
        check(set(items) == {link.id, site_link.id}, f'nested assignments are {sorted(items)}')
        item = items[link.id]
        check_fields(item, ASSIGNMENT_ITEM_FIELDS, 'a nested assignment')
        check(reference_id(item['attachment']) == attachment.id, 'a nested item names another attachment')
        check((item['object_type'], item['object_id']) == ('dcim.device', device_id), f'nested item: {item}')
        check((item['parent'] or {}).get('id') == device_id, f"the nested item's parent is {item['parent']}")
        check(item['tags'] == [] and isinstance(item['custom_fields'], dict), 'nested tags/custom_fields')
        [brief] = [dict(record) for record in attachments.filter(id=attachment.id, brief=1)]
        check_fields(brief, BRIEF_ATTACHMENT_FIELDS, 'the brief attachment')

        # 3) Unlink: the attachment stays.
        check(link.delete() is True, 'unlinking failed')
        check(site_link.delete() is True, 'unlinking the site failed')
        check(ids(assignments.filter(attachment_id=attachment.id)) == [], 'links are left after unlinking')
        kept = attachments.get(attachment.id)
        check(kept is not None and dict(kept)['assignments'] == [], 'unlinking changed the attachment')
        check(attachment.id in ids(attachments.filter(has_assignments=False)), 'has_assignments=false misses it')

        # Deleting an attachment also deletes its links.
        relink = assignments.create(attachment=attachment.id, object_type='dcim.device', object_id=device_id)
    except BaseException:
        with suppress(pynetbox.RequestError):  # leave nothing behind; the first problem is the one to report
            attachments.delete([attachment.id])
        raise
    check(attachments.get(attachment.id).delete() is True, 'deleting the attachment failed')
    check(attachments.get(attachment.id) is None, 'the deleted attachment is still there')
    check(assignments.get(relink.id) is None, "the deleted attachment's link is still there")
    check(ids(assignments.filter(attachment_id=attachment.id)) == [], 'filtering by a deleted attachment')


def outside_scope(text):
    object_type, _, object_id = text.partition(':')
    if object_type.count('.') != 1 or not object_id.isdigit():
        raise argparse.ArgumentTypeError('give app_label.model:id, e.g. extras.tag:2')
    return object_type, int(object_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--url', required=True, help='NetBox base URL')
    parser.add_argument('--token', required=True, help='API token (v1 key or v2 nbt_… value)')
    parser.add_argument('--device', type=int, required=True, help='ID of a device')
    parser.add_argument('--site', type=int, required=True, help='ID of a site')
    parser.add_argument('--outside-scope', type=outside_scope, required=True, help='app_label.model:id')
    args = parser.parse_args(argv)
    nb = pynetbox.api(args.url, token=args.token)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            run(nb, args.device, args.site, *args.outside_scope, workdir)
    except Deviation as deviation:
        print(f'DEVIATION: {deviation}', file=sys.stderr)
        return 1
    except pynetbox.RequestError as error:
        print(f'DEVIATION: {error.req.request.method} {error.req.url}: {error}', file=sys.stderr)
        return 1
    print('OK: every documented call of netbox-attachments 12.x behaved as documented')
    return 0


if __name__ == '__main__':
    sys.exit(main())
