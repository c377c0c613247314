from django.core.management.base import BaseCommand

from ...api.schema import dumps, plugin_schema


class Command(BaseCommand):
    help = "Write the OpenAPI schema of the plugin's REST API (its paths and the components they use) as JSON."

    def add_arguments(self, parser):
        parser.add_argument('--file', help='Write to this file instead of standard output')

    def handle(self, *args, file=None, **options):
        text = dumps(plugin_schema())
        if file:
            with open(file, 'w', encoding='utf-8') as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending='')
