from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [
        ('netbox_attachments', '0011_netboxattachmentassignment_index'),
        ('users', '0015_owner'),
    ]

    operations = [
        migrations.AddField(
            model_name='netboxattachment',
            name='owner',
            field=models.ForeignKey(
                blank=True, null=True, on_delete=models.deletion.PROTECT, related_name='+', to='users.owner'
            ),
        ),
    ]
