from django.utils.translation import gettext_lazy as _
from netbox.plugins import PluginMenu, PluginMenuButton, PluginMenuItem

menu = PluginMenu(
    label=_('Attachments'),
    icon_class='mdi mdi-paperclip',
    groups=(
        (
            _('Attachments'),
            (
                PluginMenuItem(
                    link='plugins:netbox_attachments:netboxattachment_list',
                    link_text=_('Attachments'),
                    permissions=['netbox_attachments.view_netboxattachment'],
                    buttons=(
                        PluginMenuButton(
                            link='plugins:netbox_attachments:netboxattachment_add',
                            title=_('Add'),
                            icon_class='mdi mdi-plus-thick',
                            permissions=['netbox_attachments.add_netboxattachment'],
                        ),
                        PluginMenuButton(
                            link='plugins:netbox_attachments:netboxattachment_bulk_import',
                            title=_('Import'),
                            icon_class='mdi mdi-upload',
                            permissions=['netbox_attachments.add_netboxattachment'],
                        ),
                    ),
                ),
                PluginMenuItem(
                    link='plugins:netbox_attachments:netboxattachment_manager',
                    link_text=_('Manager'),
                    permissions=['netbox_attachments.view_netboxattachment'],
                ),
                PluginMenuItem(
                    link='plugins:netbox_attachments:netboxattachmentassignment_list',
                    link_text=_('Assignments'),
                    permissions=['netbox_attachments.view_netboxattachmentassignment'],
                    buttons=(
                        PluginMenuButton(
                            link='plugins:netbox_attachments:netboxattachmentassignment_add',
                            title=_('Link'),
                            icon_class='mdi mdi-link-variant-plus',
                            permissions=['netbox_attachments.add_netboxattachmentassignment'],
                        ),
                    ),
                ),
            ),
        ),
    ),
)
