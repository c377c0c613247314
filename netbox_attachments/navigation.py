from django.utils.translation import gettext_lazy as _
from netbox.plugins import PluginMenu, PluginMenuButton, PluginMenuItem

from .access import ADD_ASSIGNMENTS, ADD_ATTACHMENTS, VIEW_ASSIGNMENTS, VIEW_ATTACHMENTS


def view(name):
    return f'plugins:netbox_attachments:{name}'


def button(name, title, icon, permission):
    return PluginMenuButton(link=view(name), title=title, icon_class=f'mdi {icon}', permissions=[permission])


menu = PluginMenu(
    label=_('Attachments'),
    icon_class='mdi mdi-paperclip',
    groups=(
        (
            _('Attachments'),
            (
                PluginMenuItem(
                    link=view('netboxattachment_list'),
                    link_text=_('Attachments'),
                    permissions=[VIEW_ATTACHMENTS],
                    buttons=(
                        button('netboxattachment_add', _('Add'), 'mdi-plus-thick', ADD_ATTACHMENTS),
                        button('netboxattachment_bulk_import', _('Import'), 'mdi-upload', ADD_ATTACHMENTS),
                    ),
                ),
                PluginMenuItem(
                    link=view('netboxattachment_manager'),
                    link_text=_('Manager'),
                    permissions=[VIEW_ATTACHMENTS],
                ),
                PluginMenuItem(
                    link=view('netboxattachmentassignment_list'),
                    link_text=_('Assignments'),
                    permissions=[VIEW_ASSIGNMENTS],
                    buttons=(
                        button(
                            'netboxattachmentassignment_add',
                            _('Link'),
                            'mdi-link-variant-plus',
                            ADD_ASSIGNMENTS,
                        ),
                    ),
                ),
            ),
        ),
    ),
)
