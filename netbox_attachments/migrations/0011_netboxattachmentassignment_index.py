from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [('netbox_attachments', '0010_remove_attachment_fk_fields')]

    operations = [
        migrations.AddIndex(
            model_name='netboxattachmentassignment',
            index=models.Index(fields=['object_type', 'object_id'], name='nba_assign_obj_type_id_idx'),
        ),
    ]
