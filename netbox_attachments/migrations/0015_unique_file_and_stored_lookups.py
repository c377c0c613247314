# Runs on every database, whichever history it comes from (it is not a HistoryStep): a database of
# netbox-attachments never had the one-record-per-file rule, nor had one made by this plugin before that rule. It
# also carries over what their users stored in their plugin's terms: lookups in object permission constraints and
# saved filters' parameters.

from django.db import migrations, models

UNIQUE_FILE = 'netbox_attachments_unique_file'
ATTACHMENT_MODELS = ('netboxattachment', 'netboxattachmentassignment')
# netbox-attachments named an attachment's links `attachment_assignments`; this plugin names them `assignments`.
THEIR_LINKS, OUR_LINKS = 'attachment_assignments', 'assignments'


def unique_file_constraint():
    return models.UniqueConstraint(
        condition=~models.Q(file=''),
        fields=('file',),
        name=UNIQUE_FILE,
        violation_error_message='Another attachment already uses this file.',
    )


def add_unique_file(apps, schema_editor):
    attachment = apps.get_model('netbox_attachments', 'NetBoxAttachment')
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, attachment._meta.db_table)
    if UNIQUE_FILE in constraints:  # made by this plugin's earlier 0001_initial
        return
    shared = (
        attachment.objects.exclude(file='')
        .values('file')
        .annotate(records=models.Count('pk'))
        .filter(records__gt=1)
        .order_by('file')
        .values_list('file', flat=True)[:20]
    )
    problems = []
    for name in shared:
        ids = attachment.objects.filter(file=name).order_by('pk').values_list('pk', flat=True)
        problems.append(f'{name!r} (attachments {", ".join(map(str, ids))})')
    if problems:
        raise RuntimeError(
            'Several attachments name the same file, which this plugin does not allow: deleting one of them would '
            'delete the file of the others. Give each of them its own copy of the file (upload it again) or delete '
            'the extra attachments, then run `netbox migrate` again. Shared files: ' + '; '.join(problems)
        )
    schema_editor.add_constraint(attachment, unique_file_constraint())


def remove_unique_file(apps, schema_editor):
    attachment = apps.get_model('netbox_attachments', 'NetBoxAttachment')
    schema_editor.remove_constraint(attachment, unique_file_constraint())


def renamed_lookup(key, model, old, new):
    """The lookup `key` of a constraint on `model` with the relation from attachments to links renamed `old` -> `new`.

    Only where the segment is that relation: at the start on attachments, after `attachment` on assignments (and so
    on along the path). Anything else ends the walk, so a custom field or a JSON key of the same name (e.g.
    `custom_field_data__attachment_assignments`) and other models' relations are never renamed.
    """
    parts = key.split('__')
    for index, part in enumerate(parts):
        if model == 'netboxattachment' and part == old:
            parts[index], model = new, 'netboxattachmentassignment'
        elif model == 'netboxattachmentassignment' and part == 'attachment':
            model = 'netboxattachment'
        else:
            break
    return '__'.join(parts)


def renamed_constraints(constraints, models, old, new, permission):
    """The constraints of an object permission (a dict, or a list of dicts: OR) with the relation renamed for each
    of our models the permission covers."""
    if isinstance(constraints, list):
        return [renamed_constraints(item, models, old, new, permission) for item in constraints]
    if not isinstance(constraints, dict):
        return constraints
    renamed = {}
    for key, value in constraints.items():
        for model in models:
            key = renamed_lookup(key, model, old, new)
        if key in renamed:
            raise RuntimeError(
                f'Object permission {permission.pk} ({permission.name!r}) names the links of attachments both as '
                f'{old!r} and as {new!r} in its constraints; renaming would drop one condition. Edit its '
                f'constraints so that they use one name, then run `netbox migrate` again.'
            )
        renamed[key] = value
    return renamed


def rewrite_permission_lookups(old, new):
    def rewrite(apps, schema_editor):
        permissions = apps.get_model('users', 'ObjectPermission').objects.filter(
            object_types__app_label='netbox_attachments', object_types__model__in=ATTACHMENT_MODELS
        )
        for permission in permissions.exclude(constraints__isnull=True).distinct():
            models = sorted(
                permission.object_types.filter(app_label='netbox_attachments').values_list('model', flat=True)
            )
            renamed = renamed_constraints(permission.constraints, models, old, new, permission)
            if renamed != permission.constraints:
                permission.constraints = renamed
                permission.save(update_fields=['constraints'])

    return rewrite


# netbox-attachments matched `name` and `description` by substring (icontains); here, as everywhere in NetBox, they
# match exactly and `__ic` matches a substring. A saved filter keeps its meaning under the other name.
THEIR_SUBSTRING_FILTERS = {'name': 'name__ic', 'description': 'description__ic'}


def rewrite_saved_filters(renames):
    def rewrite(apps, schema_editor):
        saved_filters = apps.get_model('extras', 'SavedFilter').objects.filter(
            object_types__app_label='netbox_attachments', object_types__model='netboxattachment'
        )
        for saved_filter in saved_filters.distinct():
            parameters = saved_filter.parameters
            if not isinstance(parameters, dict):
                continue
            renamed = {
                renames[key] if key in renames and renames[key] not in parameters else key: value
                for key, value in parameters.items()
            }
            if renamed != parameters:
                saved_filter.parameters = renamed
                saved_filter.save(update_fields=['parameters'])

    return rewrite


class Migration(migrations.Migration):
    dependencies = [('netbox_attachments', '0014_schema_of_this_plugin')]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_unique_file, reverse_code=remove_unique_file)],
            state_operations=[
                migrations.AddConstraint(model_name='netboxattachment', constraint=unique_file_constraint())
            ],
        ),
        migrations.RunPython(
            rewrite_permission_lookups(THEIR_LINKS, OUR_LINKS),
            reverse_code=rewrite_permission_lookups(OUR_LINKS, THEIR_LINKS),
        ),
        migrations.RunPython(
            rewrite_saved_filters(THEIR_SUBSTRING_FILTERS),
            reverse_code=rewrite_saved_filters({ours: theirs for theirs, ours in THEIR_SUBSTRING_FILTERS.items()}),
        ),
    ]
