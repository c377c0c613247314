import taggit.managers
from django.db import migrations, models

from ._history import HistoryStep


class Migration(HistoryStep):
    dependencies = [
        ('core', '0010_gfk_indexes'),
        ('extras', '0134_owner'),
        ('netbox_attachments', '0007_alter_netboxattachment_object_type'),
    ]

    operations = [
        migrations.CreateModel(
            name='NetBoxAttachmentAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ('created', models.DateTimeField(auto_now_add=True, null=True)),
                ('last_updated', models.DateTimeField(auto_now=True, null=True)),
                ('custom_field_data', models.JSONField(blank=True, default=dict)),
                ('object_id', models.PositiveBigIntegerField()),
                (
                    'attachment',
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name='assignments',
                        to='netbox_attachments.netboxattachment',
                    ),
                ),
                (
                    'object_type',
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name='+', to='core.objecttype'),
                ),
                ('tags', taggit.managers.TaggableManager(through='extras.TaggedItem', to='extras.Tag')),
            ],
            options={'ordering': ('attachment', 'object_type', 'object_id')},
        ),
        migrations.AddConstraint(
            model_name='netboxattachmentassignment',
            constraint=models.UniqueConstraint(
                fields=('attachment', 'object_type', 'object_id'), name='unique_attachment_assignment'
            ),
        ),
    ]
