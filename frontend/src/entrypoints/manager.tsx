// Entry point of the attachment manager page.
import { createApi } from '../api/client';
import { Manager } from '../components/Manager/Manager';
import { readConfig, type ManagerConfig } from '../config';
import { mount } from './mount';

document.querySelectorAll<HTMLElement>('[data-netbox-attachments-manager]').forEach((element) => {
  const config = readConfig<ManagerConfig>(element.dataset.netboxAttachmentsManager!);
  const api = createApi(config);
  mount(element, () => <Manager config={config} api={api} />);
});
