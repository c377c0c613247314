from django.db import migrations

from ._history import HistoryStep

# Until now an attachment belonged to one object through its own columns; it becomes that object's first link,
# dated like the attachment. A zero object ID meant "no object" there.
LINK_EACH_ATTACHMENT = """
    INSERT INTO netbox_attachments_netboxattachmentassignment
        (created, last_updated, custom_field_data, attachment_id, object_type_id, object_id)
    SELECT created, last_updated, '{}'::jsonb, id, object_type_id, object_id
    FROM netbox_attachments_netboxattachment
    WHERE object_type_id IS NOT NULL AND object_id > 0
    ON CONFLICT DO NOTHING
"""
# Going back, each attachment returns to the object of its oldest link (the others are lost with the table).
BACK_TO_THE_FIRST_LINK = """
    UPDATE netbox_attachments_netboxattachment a
    SET object_type_id = first.object_type_id, object_id = first.object_id
    FROM (
        SELECT DISTINCT ON (attachment_id) attachment_id, object_type_id, object_id
        FROM netbox_attachments_netboxattachmentassignment ORDER BY attachment_id, id
    ) first
    WHERE first.attachment_id = a.id
"""


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0008_create_netboxattachmentassignment')]

    operations = [migrations.RunSQL(LINK_EACH_ATTACHMENT, reverse_sql=BACK_TO_THE_FIRST_LINK)]
