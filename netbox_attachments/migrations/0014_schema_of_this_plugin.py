# Where this plugin's history leaves the one it shares with netbox-attachments: their final schema (12.x) becomes
# this plugin's. Checksum and content type start empty; `netbox backfill_attachments` fills them (and sizes) later,
# so that migrate never reads the files.

from django.db import migrations, models

import netbox_attachments.models
import netbox_attachments.storage

from ._history import HistoryStep

THEIR_MAX_FILE_NAME = 100
UNIQUE_ASSIGNMENT = 'netbox_attachments_unique_assignment'
THEIR_UNIQUE_ASSIGNMENT = 'unique_attachment_assignment'
RENAME = 'ALTER TABLE netbox_attachments_netboxattachmentassignment RENAME CONSTRAINT {} TO {}'


def refuse_names_too_long_for_them(apps, schema_editor):
    """Going back: their file column holds 100 characters; a longer name would stop the migration half-way."""
    attachment = apps.get_model('netbox_attachments', 'NetBoxAttachment')
    too_long = list(
        attachment.objects.annotate(length=models.functions.Length('file'))
        .filter(length__gt=THEIR_MAX_FILE_NAME)
        .values_list('pk', flat=True)[:50]
    )
    if too_long:
        raise RuntimeError(
            f'Cannot go back to the netbox-attachments schema: the file names of the attachments with IDs '
            f'{", ".join(map(str, too_long))} are longer than {THEIR_MAX_FILE_NAME} characters. Rename or delete '
            f'those files first.'
        )


class Migration(HistoryStep):
    dependencies = [
        ('core', '0026_populate_job_execution_time'),
        ('extras', '0144_customfield_status'),
        ('netbox_attachments', '0013_alter_netboxattachmentassignment_custom_field_data'),
        ('users', '0016_default_ordering_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='netboxattachment',
            name='content_type',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='netboxattachment',
            name='sha256',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='netboxattachment',
            name='file',
            field=models.FileField(max_length=255, upload_to=netbox_attachments.storage.attachment_upload_to),
        ),
        migrations.AlterField(
            model_name='netboxattachment',
            name='name',
            field=models.CharField(blank=True, max_length=254, validators=[netbox_attachments.models.validate_name]),
        ),
        migrations.RunPython(migrations.RunPython.noop, reverse_code=refuse_names_too_long_for_them),
        migrations.RenameIndex(
            model_name='netboxattachmentassignment',
            new_name='netbox_atta_object_idx',
            old_name='nba_assign_obj_type_id_idx',
        ),
        # Django has no RenameConstraint: the database renames it (and its index), the state drops and adds it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    RENAME.format(THEIR_UNIQUE_ASSIGNMENT, UNIQUE_ASSIGNMENT),
                    reverse_sql=RENAME.format(UNIQUE_ASSIGNMENT, THEIR_UNIQUE_ASSIGNMENT),
                )
            ],
            state_operations=[
                migrations.RemoveConstraint(model_name='netboxattachmentassignment', name=THEIR_UNIQUE_ASSIGNMENT),
                migrations.AddConstraint(
                    model_name='netboxattachmentassignment',
                    constraint=models.UniqueConstraint(
                        fields=('attachment', 'object_type', 'object_id'),
                        name=UNIQUE_ASSIGNMENT,
                        violation_error_message='This attachment is already linked to this object.',
                    ),
                ),
            ],
        ),
    ]
