from django.db import migrations

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0009_data_migrate_assignments')]

    operations = [
        migrations.RemoveField(model_name='netboxattachment', name='object_type'),
        migrations.RemoveField(model_name='netboxattachment', name='object_id'),
    ]
