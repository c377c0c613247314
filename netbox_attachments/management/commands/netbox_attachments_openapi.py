from django.core.management.base import BaseCommand

from ...api.schema import dumps, plugin_schema


class Command(BaseCommand):
    help = "Write the OpenAPI schema of the plugin's REST API (its paths and the components they use) as JSON."

    def add_arguments(self, parser):
        parser.add_argument('--file', help='Write to this file instead of standard output')
        parser.add_argument(
            '--page-configs',
            action='store_true',
            help="Also describe the configurations the plugin's pages hand its front end (for its generated types)",
        )

    def handle(self, *args, file=None, page_configs=False, **options):
        text = dumps(plugin_schema(page_configs=page_configs))
        if file:
            with open(file, 'w', encoding='utf-8') as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending='')
