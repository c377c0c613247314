"""Loads the demo data into the demo NetBox: idempotent, so re-running `make demo` duplicates nothing."""

import io
import os

import django

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'netbox.settings')
django.setup()

from circuits.models import Circuit, CircuitType, Provider  # noqa: E402
from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Rack, Site  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import transaction  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from tenancy.models import Tenant  # noqa: E402

from netbox_attachments.models import NetBoxAttachment, NetBoxAttachmentAssignment  # noqa: E402

ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = 'admin'  # development only, printed by `make demo`


def pdf_bytes(title):
    """A small valid one-page PDF showing the title."""
    text = title.replace('(', '[').replace(')', ']')
    stream = f'BT /F1 24 Tf 72 720 Td ({text}) Tj ET'.encode()
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R '
        b'/Resources << /Font << /F1 5 0 R >> >> >>',
        b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ]
    out = io.BytesIO()
    out.write(b'%PDF-1.4\n')
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b'%d 0 obj\n' % number + body + b'\nendobj\n')
    xref = out.tell()
    out.write(b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1))
    for offset in offsets:
        out.write(b'%010d 00000 n \n' % offset)
    out.write(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref))
    return out.getvalue()


def floor_plan_png():
    image = Image.new('RGB', (800, 500), 'white')
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 780, 480), outline='black', width=4)
    for row in range(4):
        for col in range(8):
            x, y = 60 + col * 85, 60 + row * 100
            draw.rectangle((x, y, x + 60, y + 70), outline='navy', width=2, fill='#dde6f7')
            draw.text((x + 8, y + 28), f'R{row + 1}{col + 1:02d}', fill='black')
    out = io.BytesIO()
    image.save(out, format='PNG')
    return out.getvalue()


def main():
    user_model = get_user_model()
    if not user_model.objects.filter(username=ADMIN_USERNAME).exists():
        user_model.objects.create_superuser(ADMIN_USERNAME, 'admin@example.com', ADMIN_PASSWORD)

    tenant, _ = Tenant.objects.get_or_create(name='Acme Networks', slug='acme-networks')
    sites = [
        Site.objects.get_or_create(name=name, slug=slug, defaults={'tenant': tenant})[0]
        for name, slug in (('Amsterdam DC1', 'ams-dc1'), ('Berlin DC2', 'ber-dc2'), ('Prague POP', 'prg-pop'))
    ]
    racks = [
        Rack.objects.get_or_create(site=site, name=f'{site.slug.upper()}-R{n}', defaults={'tenant': tenant})[0]
        for site in sites[:2]
        for n in (1, 2)
    ]
    manufacturer, _ = Manufacturer.objects.get_or_create(name='Juniper', slug='juniper')
    device_type, _ = DeviceType.objects.get_or_create(manufacturer=manufacturer, model='MX204', slug='mx204')
    role, _ = DeviceRole.objects.get_or_create(name='Router', slug='router')
    devices = [
        Device.objects.get_or_create(
            name=name,
            defaults={'site': rack.site, 'rack': rack, 'device_type': device_type, 'role': role, 'tenant': tenant},
        )[0]
        for name, rack in (('ams-core-01', racks[0]), ('ams-edge-01', racks[1]), ('ber-core-01', racks[2]))
    ]
    provider, _ = Provider.objects.get_or_create(name='Transit Co', slug='transit-co')
    circuit_type, _ = CircuitType.objects.get_or_create(name='Internet', slug='internet')
    circuits = [
        Circuit.objects.get_or_create(cid=cid, defaults={'provider': provider, 'type': circuit_type, 'tenant': tenant})[
            0
        ]
        for cid in ('TC-1001', 'TC-1002')
    ]

    demo_attachments = (
        ('MX204 hardware guide', 'mx204-hardware-guide.pdf', pdf_bytes('MX204 hardware guide'), devices),
        ('Amsterdam DC1 floor plan', 'ams-dc1-floor-plan.png', floor_plan_png(), [sites[0], *racks[:2]]),
        (
            'ams-core-01 running config',
            'ams-core-01.conf',
            b'system {\n    host-name ams-core-01;\n}\ninterfaces {\n    et-0/0/0 { description "TC-1001"; }\n}\n',
            [devices[0]],
        ),
        ('Transit Co contract', 'transit-co-contract.pdf', pdf_bytes('Transit Co contract 2026'), circuits),
        ('Old lease agreement', 'old-lease-agreement.pdf', pdf_bytes('Old lease agreement (expired)'), []),
    )
    for name, filename, content, targets in demo_attachments:
        if NetBoxAttachment.objects.filter(name=name).exists():
            continue
        with transaction.atomic():
            attachment = NetBoxAttachment(
                name=name, description=f'Demo: {filename}', file=ContentFile(content, name=filename)
            )
            attachment.save()
            for target in targets:
                link = NetBoxAttachmentAssignment(attachment=attachment)
                link.parent = target
                link.full_clean()
                link.save()

    print(
        f'Demo data ready: {NetBoxAttachment.objects.count()} attachments, '
        f'{NetBoxAttachmentAssignment.objects.count()} links. '
        f'Log in as "{ADMIN_USERNAME}" with password "{ADMIN_PASSWORD}" (development only).'
    )


if __name__ == '__main__':
    main()
