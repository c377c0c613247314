# The first step of the history this plugin shares with netbox-attachments (see _history.py). Its dependencies are
# those of an old NetBox, not of today's: a database of theirs recorded this step years ago, and a dependency it
# did not have would make Django refuse the whole history as inconsistent. (Their dependency on extras 0077 lives
# on only inside extras' squashed 0060_squashed_0086, which stands for it.)

import taggit.managers
from django.db import migrations, models

import netbox_attachments.storage


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('extras', '0060_squashed_0086'),
    ]

    operations = [
        migrations.CreateModel(
            name='NetBoxAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ('created', models.DateTimeField(auto_now_add=True, null=True)),
                ('last_updated', models.DateTimeField(auto_now=True, null=True)),
                ('custom_field_data', models.JSONField(blank=True, default=dict)),
                ('object_id', models.PositiveBigIntegerField()),
                ('file', models.FileField(upload_to=netbox_attachments.storage.attachment_upload_to)),
                ('name', models.CharField(blank=True, max_length=50)),
                (
                    'content_type',
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype'
                    ),
                ),
                ('tags', taggit.managers.TaggableManager(through='extras.TaggedItem', to='extras.Tag')),
            ],
            options={'ordering': ('name', 'pk')},
        ),
    ]
