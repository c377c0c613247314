// The configuration Django hands each page through json_script (netbox_attachments/bundles.py).

export interface Permissions {
  addAttachment: boolean;
  changeAttachment: boolean;
  deleteAttachment: boolean;
  addAssignment: boolean;
  deleteAssignment: boolean;
}

export interface CommonConfig {
  basePath: string;
  csrfToken: string;
  maxUploadSize: number | null;
  inlineContentTypes: string[];
  permissions: Permissions;
  attachmentListUrl: string;
}

export interface TargetObject {
  type: string; // 'dcim.device'
  typeId: number;
  id: number;
  display: string;
  typeLabel: string;
}

export interface WidgetConfig extends CommonConfig {
  object: TargetObject;
}

export interface ObjectTypeOption {
  id: number;
  value: string;
  label: string;
  apiUrl: string;
}

export interface ManagerConfig extends CommonConfig {
  objectTypes: ObjectTypeOption[];
}

/** Reads the JSON that `{{ config|json_script:id }}` put on the page. */
export function readConfig<T>(elementId: string): T {
  const element = document.getElementById(elementId);
  if (!element?.textContent) throw new Error(`netbox_attachments: no configuration element #${elementId} on the page`);
  return JSON.parse(element.textContent) as T;
}

/** What may the current user do? Upload needs both add permissions: the file is linked right after it is stored. */
export function abilities(permissions: Permissions) {
  return {
    upload: permissions.addAttachment && permissions.addAssignment,
    uploadUnlinked: permissions.addAttachment,
    link: permissions.addAssignment,
    unlink: permissions.deleteAssignment,
    deleteEverywhere: permissions.deleteAttachment,
  };
}
export type Abilities = ReturnType<typeof abilities>;
