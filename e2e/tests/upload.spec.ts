import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { PLUGIN_API } from '../support/api';
import { randomFile, text } from '../support/files';
import { MAX_UPLOAD_SIZE } from '../support/servers';

test('two files dropped at once on a device tab upload with progress, are linked, and download unchanged', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const files = [randomFile(`${unique('rack-photo')}.bin`, 400_000), randomFile(`${unique('config')}.bin`, 300_000)];
  const widget = await AttachmentsWidget.openTab(page, device.display_url);
  // Slow uploads down so that the progress of each file can be seen.
  await widget.throttleUploads(300_000);

  await widget.drop(files);

  // Each file's bar moves.
  for (const file of files) await widget.expectUploadProgress(file.name);
  await snap('device-tab-uploading', widget.region);
  for (const file of files) await expect(widget.uploadOf(file.name)).toHaveAttribute('data-status', 'done');
  await widget.throttleUploads(null);
  for (const file of files) await expect(widget.row(file.name)).toBeVisible();
  await expect(widget.rows).toHaveCount(2);
  await snap('device-tab-uploaded', widget.region);

  for (const file of files) {
    const stored = await api.findAttachment(file.name);
    expect(stored.assignments.map((link) => [link.object_type, link.object_id])).toEqual([['dcim.device', device.id]]);
    expect(await widget.download(file.name)).toEqual(file.buffer);
  }
});

test('a file over the size limit fails in its own row while the rest of the drop uploads', async ({
  page,
  api,
  unique,
}) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const tooBig = randomFile(`${unique('huge-dump')}.bin`, MAX_UPLOAD_SIZE + 1);
  const small = [text(`${unique('notes')}.txt`, 'rack notes\n'), randomFile(`${unique('photo')}.bin`, 50_000)];
  const widget = await AttachmentsWidget.openTab(page, device.display_url);

  await widget.drop([small[0], tooBig, small[1]]);

  await widget.uploadsSettled();
  await expect(widget.uploadOf(tooBig.name)).toHaveAttribute('data-status', 'error');
  await expect(widget.uploadOf(tooBig.name).getByRole('alert')).toHaveText(
    'Too large: 2,097,153 bytes, and the limit is 2,097,152 bytes.',
  );
  for (const file of small) {
    await expect(widget.uploadOf(file.name)).toHaveAttribute('data-status', 'done');
    await expect(widget.row(file.name)).toBeVisible();
  }
  await expect(widget.rows).toHaveCount(2);
  expect(await api.findAttachments(tooBig.name)).toEqual([]);

  // The browser's check only saves the wait: the server refuses the same file from any client (a body this close to
  // the limit is read, so the refusal is the file field's 400; one far over it is a 413 before reading).
  const refused = await api.request.post(`${PLUGIN_API}/netbox-attachments/`, { multipart: { file: tooBig } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).file).toEqual([expect.stringContaining('upload limit of 2.0\xa0MB (2097152 bytes')]);
  expect(await api.findAttachments(tooBig.name)).toEqual([]);
});
