"""What migrations 0002-0014 share: they replay the existing netbox-attachments plugin's history.

Migrations 0001-0013 carry the names of the netbox-attachments releases 11.x/12.x (same app label), with the same
effect on the database, so that `netbox migrate` continues a database of theirs where it stands (see
docs/design/switch-from-netbox-attachments.md). A database made by this plugin before that history was adopted
recorded only `0001_initial` but already holds this plugin's full schema; for it, 0002-0014 must change only
Django's picture of the schema, never the tables. Only the schema tells the two `0001_initial`s apart: this
plugin's tables always had a `sha256` column, theirs never before 0014.
"""

from django.db import migrations

ATTACHMENT_TABLE = 'netbox_attachments_netboxattachment'


def holds_this_plugins_schema(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT 1 FROM information_schema.columns '
            'WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s',
            [ATTACHMENT_TABLE, 'sha256'],
        )
        return cursor.fetchone() is not None


class HistoryStep(migrations.Migration):
    """A step of the shared history: applied only to Django's state where the tables are this plugin's already.

    Reversing is never skipped: once 0014 has run, every database has the same schema, and going back means the
    same SQL for all of them.
    """

    def apply(self, project_state, schema_editor, collect_sql=False):
        if not collect_sql and holds_this_plugins_schema(schema_editor.connection):
            for operation in self.operations:
                operation.state_forwards(self.app_label, project_state)
            return project_state
        return super().apply(project_state, schema_editor, collect_sql)
