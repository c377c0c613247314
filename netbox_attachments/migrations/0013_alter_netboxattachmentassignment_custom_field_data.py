import utilities.json
from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0012_netboxattachment_owner')]

    operations = [
        migrations.AlterField(
            model_name='netboxattachmentassignment',
            name='custom_field_data',
            field=models.JSONField(blank=True, default=dict, encoder=utilities.json.CustomFieldJSONEncoder),
        ),
    ]
