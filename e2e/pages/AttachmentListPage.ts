import type { Locator, Page } from '@playwright/test';

import { rowNamed } from './rows';

/** NetBox's server-rendered list of attachments (Attachments > Attachments), with its filters in the URL. */
export class AttachmentListPage {
  static readonly PATH = '/plugins/netbox-attachments/netbox-attachments/';
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.rows = page.locator('table.object-list tbody tr');
  }

  static async open(page: Page, filters: Record<string, string>): Promise<AttachmentListPage> {
    await page.goto(`${AttachmentListPage.PATH}?${new URLSearchParams(filters)}`);
    return new AttachmentListPage(page);
  }

  row(name: string): Locator {
    return rowNamed(this.rows, name);
  }
}
