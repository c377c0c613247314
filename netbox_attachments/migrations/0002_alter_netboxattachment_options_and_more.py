from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0001_initial')]

    operations = [
        migrations.AddField(model_name='netboxattachment', name='comments', field=models.TextField(blank=True)),
    ]
