// The widget against a server whose files are in a bucket of an S3-compatible server (moto, a process of its own):
// the bytes go to the bucket through django-storages and come back through the plugin's download endpoint.
import { existsSync, readdirSync } from 'node:fs';

import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { png, text } from '../support/files';
import { mediaRootOf } from '../support/servers';

// What the text preview asks for (TEXT_PREVIEW_BYTES in the widget): a longer file shows only its start.
const PREVIEW_BYTES = 256 * 1024;

test('files uploaded through the widget go to the bucket, and preview, show thumbnails and download from it', async ({
  page,
  api,
  unique,
  server,
  snap,
}) => {
  const media = mediaRootOf(server);
  const device = await api.createDevice(unique('e2e-sw'));
  // Numbered lines past the preview's limit, so the preview must be the file's first bytes and no more.
  const lines = Array.from({ length: 20_000 }, (_, index) => `line ${String(index + 1).padStart(5, '0')}: syslog`);
  const log = text(`${unique('switch')}.log`, `${lines.join('\n')}\n`);
  const image = png(`${unique('rack-front')}.png`, 240, 160);
  expect(log.buffer.length).toBeGreaterThan(PREVIEW_BYTES);
  const widget = await AttachmentsWidget.openTab(page, device.display_url);

  await widget.throttleUploads(300_000);
  await widget.drop([log, image]);
  await widget.expectUploadProgress(log.name);
  for (const file of [log, image]) await expect(widget.uploadOf(file.name)).toHaveAttribute('data-status', 'done');
  await widget.throttleUploads(null);
  for (const file of [log, image]) await expect(widget.row(file.name)).toBeVisible();
  await expect(widget.rows).toHaveCount(2);

  // Stored in the bucket: the server's media folder (made empty for this run) holds no file, not even the demo's.
  expect(existsSync(media), `${media} should exist: the server was started with it`).toBe(true);
  const local = readdirSync(media, { recursive: true, withFileTypes: true }).filter((entry) => !entry.isDirectory());
  expect(local.map((entry) => `${entry.parentPath}/${entry.name}`)).toEqual([]);

  // The thumbnail is the real picture, decoded from the bytes the bucket gave back.
  const thumbnail = widget.thumbnail(image.name);
  await expect(thumbnail).toBeVisible();
  await expect
    .poll(() => thumbnail.evaluate((node: HTMLImageElement) => [node.naturalWidth, node.naturalHeight]))
    .toEqual([240, 160]);
  await snap('s3-uploaded', widget.region);

  // The text preview asks for the first bytes only, and the server answers with that range of the stored object.
  const stored = await api.findAttachment(log.name);
  const ranged = page.waitForResponse(
    (response) => response.url().includes(`/${stored.id}/download/`) && 'range' in response.request().headers(),
  );
  const dialog = await widget.openPreview(log.name);
  const response = await ranged;
  expect(response.request().headers()['range']).toBe(`bytes=0-${PREVIEW_BYTES - 1}`);
  expect(response.status()).toBe(206);
  expect(response.headers()['content-range']).toBe(`bytes 0-${PREVIEW_BYTES - 1}/${log.buffer.length}`);
  await expect(dialog.locator('pre')).toContainText(lines[0]);
  expect(await dialog.locator('pre').textContent()).toBe(log.buffer.subarray(0, PREVIEW_BYTES).toString('utf8'));
  await expect(dialog.getByText('Showing the first 256.0 KB; download the file for the rest.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  for (const file of [log, image]) expect(await widget.download(file.name)).toEqual(file.buffer);
});
