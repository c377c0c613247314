import { expect, test } from '../fixtures';
import { AttachmentListPage } from '../pages/AttachmentListPage';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { randomFile } from '../support/files';

test('unlinking the only link warns that the attachment will have no assignments, and keeps it and its file', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const file = randomFile(`${unique('warranty')}.bin`, 120_000);
  const attachment = await api.upload(file, { links: [['dcim.device', device.id]] });
  const widget = await AttachmentsWidget.openTab(page, device.display_url);

  const dialog = await widget.openUnlink(attachment.name);
  await expect(dialog.getByRole('heading', { name: 'Unlink attachment' })).toBeVisible();
  await expect(dialog).toContainText('It will be left with no assignments');
  await expect(dialog.getByRole('link', { name: 'Attachments with no assignments' })).toHaveAttribute(
    'href',
    /\?has_assignments=false$/,
  );
  // Centred in the viewport, as a modal dialog is (it once opened at the foot of the page); within a scroll bar's
  // width, which the browser may or may not count.
  const box = (await dialog.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(Math.abs(box.y + box.height / 2 - viewport.height / 2)).toBeLessThan(16);
  expect(Math.abs(box.x + box.width / 2 - viewport.width / 2)).toBeLessThan(16);
  await snap('unlink-last-link-dialog');
  await dialog.getByRole('button', { name: 'Unlink', exact: true }).click();

  await expect(dialog).toBeHidden();
  await expect(widget.row(attachment.name)).toHaveCount(0);
  const unassigned = await AttachmentListPage.open(page, { has_assignments: 'false', q: attachment.name });
  await expect(unassigned.row(attachment.name)).toBeVisible();
  const assigned = await AttachmentListPage.open(page, { has_assignments: 'true', q: attachment.name });
  await expect(assigned.row(attachment.name)).toHaveCount(0);
  expect(await api.download(attachment.id)).toEqual(file.buffer);
});

test('unlinking one of several links says the attachment stays linked elsewhere', async ({ page, api, unique }) => {
  const [device, other] = [await api.createDevice(unique('e2e-sw')), await api.createDevice(unique('e2e-sw'))];
  const attachment = await api.upload(randomFile(`${unique('shared-diagram')}.bin`, 10_000), {
    links: [
      ['dcim.device', device.id],
      ['dcim.device', other.id],
    ],
  });
  const widget = await AttachmentsWidget.openTab(page, device.display_url);

  const dialog = await widget.openUnlink(attachment.name);
  await expect(dialog).toContainText('It stays linked to 1 other object.');
  await expect(dialog).not.toContainText('no assignments');
  await dialog.getByRole('button', { name: 'Unlink', exact: true }).click();

  await expect(widget.row(attachment.name)).toHaveCount(0);
  const remaining = await AttachmentsWidget.openTab(page, other.display_url);
  await expect(remaining.links(attachment.name)).toHaveText('1');
});
