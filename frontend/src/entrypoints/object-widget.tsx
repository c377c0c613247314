// Entry point of object pages (tab and panel): takes over each [data-netbox-attachments-widget] mount point.
import { createApi } from '../api/client';
import { ObjectWidget } from '../components/ObjectWidget/ObjectWidget';
import { readConfig, type WidgetConfig } from '../config';
import { mount } from './mount';

document.querySelectorAll<HTMLElement>('[data-netbox-attachments-widget]').forEach((element) => {
  const config = readConfig<WidgetConfig>(element.dataset.netboxAttachmentsWidget!);
  const api = createApi(config);
  // Side panels are narrow: the widget drops button labels there to keep the columns readable.
  const compact = element.dataset.placement === 'left_page' || element.dataset.placement === 'right_page';
  mount(element, () => <ObjectWidget config={config} api={api} compact={compact} />);
});
