"""Small helpers that arrange test data: real objects in the real database, nothing mocked."""

import itertools

from core.models import ObjectType
from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Site
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from users.models import ObjectPermission

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment

_sequence = itertools.count(1)


def make_site(name=None):
    n = next(_sequence)
    name = name or f'Site {n}'
    return Site.objects.create(name=name, slug=f'site-{n}')


def make_device(name=None, site=None):
    n = next(_sequence)
    manufacturer, _ = Manufacturer.objects.get_or_create(name='Maker', slug='maker')
    device_type, _ = DeviceType.objects.get_or_create(manufacturer=manufacturer, model='Box', slug='box')
    role, _ = DeviceRole.objects.get_or_create(name='Role', slug='role')
    return Device.objects.create(
        name=name or f'device-{n}', site=site or make_site(), device_type=device_type, role=role
    )


def make_attachment(filename='notes.txt', content=b'hello attachments\n', **fields):
    attachment = NetBoxAttachment(file=ContentFile(content, name=filename), **fields)
    attachment.save()
    return attachment


def link(attachment, obj):
    assignment = NetBoxAttachmentAssignment(attachment=attachment)
    assignment.parent = obj
    assignment.full_clean()
    assignment.save()
    return assignment


def broken_object_type():
    """An object type whose model no longer exists, as after uninstalling the plugin that provided it."""
    object_type, _ = ObjectType.objects.get_or_create(app_label='removed_plugin', model='gadget')
    return object_type


def make_user(username=None, *permissions, constraints=None):
    """A user holding NetBox object permissions, given as 'app_label.action_model' strings."""
    user = get_user_model().objects.create_user(username=username or f'user{next(_sequence)}', password='pw')
    by_model = {}
    for perm in permissions:
        app_label, codename = perm.split('.')
        action, model = codename.split('_', 1)
        by_model.setdefault((app_label, model), set()).add(action)
    for (app_label, model), actions in by_model.items():
        permission = ObjectPermission.objects.create(
            name=f'{user.username} {app_label}.{model}',
            actions=sorted(actions),
            constraints=(constraints or {}).get(f'{app_label}.{model}'),
        )
        permission.object_types.add(ObjectType.objects.get(app_label=app_label, model=model))
        permission.users.add(user)
    return user


VIEW_ALL = (
    'netbox_attachments.view_netboxattachment',
    'netbox_attachments.view_netboxattachmentassignment',
    'dcim.view_site',
    'dcim.view_device',
)


def stored_file(media_root, filename, content=b'stored bytes', age=3600):
    """A file placed in the attachments folder by hand (e.g. copied from a file share), last written `age` seconds
    ago; the import adopts only files older than the orphan cleanup's default --min-age."""
    import os
    import time

    folder = media_root / 'netbox-attachments'
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(content)
    os.utime(path, (time.time() - age, time.time() - age))
    return path
