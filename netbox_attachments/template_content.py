"""Puts attachments on object detail pages: a header button, and a panel where the settings ask for one."""

from django.contrib.contenttypes.models import ContentType
from netbox.plugins import PluginTemplateExtension

from .access import capabilities
from .scope import display_mode, is_in_scope, setting
from .ui import object_attachments_context


class ObjectAttachments(PluginTemplateExtension):
    # Every model: whether a page shows attachments is decided per request from the settings.
    models = None

    def _context(self):
        obj = self.context.get('object')
        request = self.context.get('request')
        if obj is None or request is None or getattr(obj, 'pk', None) is None or not is_in_scope(type(obj)):
            return None
        return {'object_type_id': ContentType.objects.get_for_model(obj).pk, 'may': capabilities(request.user)}

    def _panel(self, position):
        context = self._context()
        if (
            context is None
            or not context['may'].view_assignments
            or display_mode(type(self.context['object'])) != position
        ):
            return ''
        context.update(object_attachments_context(self.context['request'], self.context['object'], position))
        return self.render('netbox_attachments/inc/object_panel.html', extra_context=context)

    def buttons(self):
        context = self._context()
        if context is None or not context['may'].upload or not setting('create_add_button'):
            return ''
        return self.render('netbox_attachments/inc/add_button.html', extra_context=context)

    def left_page(self):
        return self._panel('left_page')

    def right_page(self):
        return self._panel('right_page')

    def full_width_page(self):
        return self._panel('full_width_page')


template_extensions = (ObjectAttachments,)
