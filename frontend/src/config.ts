// The configuration Django hands each page through json_script. Its shape is declared once, by the serializers in
// netbox_attachments/bundles.py; these types are generated from them with the API client (make api-client).
import type { components } from './api/schema';

type Schemas = components['schemas'];
export type WidgetConfig = Schemas['ObjectWidgetPageConfig'];
export type ManagerConfig = Schemas['ManagerPageConfig'];
/** The part both pages share. */
export type CommonConfig = Omit<WidgetConfig, 'object'>;
/** What the page may offer the user; access.capabilities() on the server decides, and checks each action again. */
export type Capabilities = Schemas['PageCapabilities'];
export type TargetObject = Schemas['PageObject'];
export type ObjectTypeOption = Schemas['PageObjectType'];

/** Reads the JSON that `{{ config|json_script:id }}` put on the page. */
export function readConfig<T>(elementId: string): T {
  const element = document.getElementById(elementId);
  if (!element?.textContent) throw new Error(`netbox_attachments: no configuration element #${elementId} on the page`);
  return JSON.parse(element.textContent) as T;
}
