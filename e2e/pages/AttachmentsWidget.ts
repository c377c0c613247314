import { readFileSync } from 'node:fs';

import { expect, type CDPSession, type Locator, type Page } from '@playwright/test';

import type { FileSpec } from '../support/files';
import { rowNamed } from './rows';

/** The React widget of one object, on its Attachments tab or in its panel. */
export class AttachmentsWidget {
  readonly region: Locator;
  readonly uploadButton: Locator;
  readonly linkExistingButton: Locator;
  readonly uploads: Locator;
  readonly rows: Locator;
  readonly dialog: Locator;
  private devtools?: CDPSession;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: /^Attachments of / });
    this.uploadButton = this.region.getByRole('button', { name: 'Upload files' });
    this.linkExistingButton = this.region.getByRole('button', { name: 'Link existing' });
    this.uploads = this.region.getByRole('region', { name: 'Uploads' });
    this.rows = this.region.getByRole('table').locator('tbody tr');
    this.dialog = page.getByRole('dialog');
  }

  /** Opens an object's Attachments tab; `objectUrl` is the object's page (display_url). */
  static async openTab(page: Page, objectUrl: string): Promise<AttachmentsWidget> {
    await page.goto(`${objectUrl}attachments/`);
    return new AttachmentsWidget(page).ready();
  }

  /** Opens an object's page, whose panel holds the widget. */
  static async openPanel(page: Page, objectUrl: string): Promise<AttachmentsWidget> {
    await page.goto(objectUrl);
    return new AttachmentsWidget(page).ready();
  }

  async ready(): Promise<this> {
    await expect(this.region).toBeVisible();
    await expect(this.region.getByText('Loading attachments…')).toHaveCount(0);
    return this;
  }

  /** The table row of the attachment called `name`. */
  row(name: string): Locator {
    return rowNamed(this.rows, name);
  }

  /** The Links cell of a row: how many objects the attachment is linked to, across the system. */
  links(name: string): Locator {
    return this.row(name).getByTitle('Objects this attachment is linked to, across the whole system');
  }

  /** The thumbnail of a row: an image the table loads from the download URL (an icon stands for other files). */
  thumbnail(name: string): Locator {
    return this.row(name).locator('img.netbox-attachments-thumb');
  }

  uploadOf(filename: string): Locator {
    return this.uploads.getByRole('listitem').filter({ hasText: filename });
  }

  /** Slows the page's uploads down to `bytesPerSecond` (DevTools' network throttling), or lifts the limit (null). */
  async throttleUploads(bytesPerSecond: number | null) {
    this.devtools ??= await this.page.context().newCDPSession(this.page);
    await this.devtools.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond ?? -1,
    });
  }

  /** Expects the progress bar of a file's upload to move: a value strictly between 0 and 100 while its bytes go out. */
  async expectUploadProgress(filename: string) {
    const bar = this.uploads.getByRole('progressbar', { name: `Upload of ${filename}` });
    await expect
      .poll(async () => Number((await bar.getAttribute('aria-valuenow', { timeout: 1_000 }).catch(() => null)) ?? -1), {
        intervals: [50],
      })
      .toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
  }

  /** Drops files on the widget as a drag from the desktop would: dragenter, dragover, drop. */
  async drop(files: FileSpec[]) {
    const dataTransfer = await this.page.evaluateHandle(
      (specs) => {
        const transfer = new DataTransfer();
        for (const spec of specs) {
          const bytes = Uint8Array.from(atob(spec.base64), (char) => char.charCodeAt(0));
          transfer.items.add(new File([bytes], spec.name, { type: spec.mimeType }));
        }
        return transfer;
      },
      files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') })),
    );
    for (const type of ['dragenter', 'dragover', 'drop']) await this.region.dispatchEvent(type, { dataTransfer });
  }

  /** Uploads through the "Upload files" button and the browser's file chooser. */
  async choose(files: FileSpec[]) {
    const chooser = this.page.waitForEvent('filechooser');
    await this.uploadButton.click();
    await (await chooser).setFiles(files);
  }

  /** Waits until every upload row says Uploaded or Failed. */
  async uploadsSettled() {
    await expect(this.uploads.locator('li:not([data-status=done]):not([data-status=error])')).toHaveCount(0);
  }

  /** Opens the unlink dialog of a row. */
  async openUnlink(name: string): Promise<Locator> {
    await this.row(name)
      .getByRole('button', { name: `Unlink ${name}` })
      .click();
    await expect(this.dialog).toBeVisible();
    return this.dialog;
  }

  /** Opens the preview of a row. */
  async openPreview(name: string): Promise<Locator> {
    await this.row(name)
      .getByRole('button', { name: `Preview ${name}` })
      .click();
    await expect(this.dialog).toBeVisible();
    return this.dialog;
  }

  /** Clicks a row's Download button and returns the downloaded bytes. */
  async download(name: string): Promise<Buffer> {
    const download = this.page.waitForEvent('download');
    await this.row(name)
      .getByRole('link', { name: `Download ${name}` })
      .click();
    return readFileSync(await (await download).path());
  }
}
