from django.db import migrations

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0005_netboxattachment_description')]

    operations = [
        migrations.RenameField(model_name='netboxattachment', old_name='content_type', new_name='object_type'),
    ]
