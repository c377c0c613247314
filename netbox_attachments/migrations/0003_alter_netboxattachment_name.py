from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0002_alter_netboxattachment_options_and_more')]

    operations = [
        migrations.AlterField(
            model_name='netboxattachment', name='name', field=models.CharField(blank=True, max_length=254)
        ),
    ]
