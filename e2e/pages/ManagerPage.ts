import { expect, type Locator, type Page } from '@playwright/test';

import { rowNamed } from './rows';

/** Attachments > Manager: every attachment, with search, filters, linking and deleting. */
export class ManagerPage {
  static readonly PATH = '/plugins/netbox-attachments/netbox-attachments/manager/';
  readonly region: Locator;
  readonly search: Locator;
  readonly rows: Locator;
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Attachment manager' });
    this.search = this.region.getByRole('searchbox', { name: 'Search attachments' });
    this.rows = this.region.getByRole('table').locator('tbody tr');
    this.dialog = page.getByRole('dialog');
  }

  static async open(page: Page): Promise<ManagerPage> {
    await page.goto(ManagerPage.PATH);
    const manager = new ManagerPage(page);
    await expect(manager.region.getByText('Loading attachments…')).toHaveCount(0);
    return manager;
  }

  row(name: string): Locator {
    return rowNamed(this.rows, name);
  }

  /** The names of the attachments listed, in order. */
  names(): Promise<string[]> {
    return this.rows.locator('td:nth-child(2) > a').allTextContents();
  }

  /** Sets a yes/no filter; null is "either". */
  async filter(label: 'Has assignments' | 'Has broken assignments', value: boolean | null) {
    await this.region.getByRole('combobox', { name: label }).selectOption(value === null ? '' : String(value));
  }
}
