from django.utils.translation import gettext_lazy as _
from netbox.plugins import PluginMenu, PluginMenuButton, PluginMenuItem


def view(name):
    return f'plugins:netbox_attachments:{name}'


def button(name, title, icon, permission):
    return PluginMenuButton(link=view(name), title=title, icon_class=f'mdi {icon}', permissions=[permission])


ADD_ATTACHMENT = 'netbox_attachments.add_netboxattachment'

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
                    permissions=['netbox_attachments.view_netboxattachment'],
                    buttons=(
                        button('netboxattachment_add', _('Add'), 'mdi-plus-thick', ADD_ATTACHMENT),
                        button('netboxattachment_bulk_import', _('Import'), 'mdi-upload', ADD_ATTACHMENT),
                    ),
                ),
                PluginMenuItem(
                    link=view('netboxattachment_manager'),
                    link_text=_('Manager'),
                    permissions=['netbox_attachments.view_netboxattachment'],
                ),
                PluginMenuItem(
                    link=view('netboxattachmentassignment_list'),
                    link_text=_('Assignments'),
                    permissions=['netbox_attachments.view_netboxattachmentassignment'],
                    buttons=(
                        button(
                            'netboxattachmentassignment_add',
                            _('Link'),
                            'mdi-link-variant-plus',
                            'netbox_attachments.add_netboxattachmentassignment',
                        ),
                    ),
                ),
            ),
        ),
    ),
)
