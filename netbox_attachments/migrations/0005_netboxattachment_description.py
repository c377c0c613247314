from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0004_netboxattachment_size_and_more')]

    operations = [
        migrations.AddField(
            model_name='netboxattachment', name='description', field=models.CharField(blank=True, max_length=200)
        ),
    ]
