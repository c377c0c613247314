def test_placeholder(db):
    from netbox_attachments.models import NetBoxAttachment

    assert NetBoxAttachment.objects.count() == 0
