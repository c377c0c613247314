from django.db import migrations, models

from ._history import HistoryStep

# NetBox fills core_objecttype only for the models installed when it migrates. A link to a model of an app removed
# since then would break the new foreign key; the row it needs is added (not public, no features), as NetBox
# itself keeps rows of removed models.
ADD_MISSING_OBJECT_TYPES = """
    INSERT INTO core_objecttype (contenttype_ptr_id, public, features)
    SELECT DISTINCT a.object_type_id, false, '{}'::varchar[]
    FROM netbox_attachments_netboxattachment a
    WHERE NOT EXISTS (SELECT 1 FROM core_objecttype o WHERE o.contenttype_ptr_id = a.object_type_id)
"""


class Migration(HistoryStep):
    dependencies = [
        ('core', '0010_gfk_indexes'),
        ('netbox_attachments', '0006_rename_content_type_netboxattachment_object_type'),
    ]

    operations = [
        migrations.RunSQL(ADD_MISSING_OBJECT_TYPES, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='netboxattachment',
            name='object_type',
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name='+', to='core.objecttype'),
        ),
    ]
