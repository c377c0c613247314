import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { pdf } from '../support/files';

test('link existing: a search by part of the file name finds the attachment, and its Links count goes up everywhere', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const [first, second] = [await api.createDevice(unique('e2e-sw')), await api.createDevice(unique('e2e-sw'))];
  const manual = pdf(`${unique('juniper-mx-install-guide')}.pdf`, 'Install guide');
  const attachment = await api.upload(manual, { name: unique('Install guide'), links: [['dcim.device', first.id]] });
  const widget = await AttachmentsWidget.openTab(page, second.display_url);
  await expect(widget.rows).toHaveCount(0);

  await widget.linkExistingButton.click();
  // A part from the middle of the file name, not the attachment's name.
  const part = manual.name.slice('juniper-'.length, manual.name.length - '.pdf'.length);
  await widget.region.getByRole('searchbox', { name: 'Search attachments to link' }).fill(part);
  const results = widget.region.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await snap('link-existing-search', widget.region);
  await results.getByRole('button', { name: `Link ${attachment.name} to ${second.name}` }).click();

  await expect(widget.row(attachment.name)).toBeVisible();
  await expect(widget.links(attachment.name)).toHaveText('2');
  await expect(results.getByLabel(`${attachment.name} is already linked`)).toBeVisible();
  const other = await AttachmentsWidget.openTab(page, first.display_url);
  await expect(other.links(attachment.name)).toHaveText('2');
  expect((await api.attachment(attachment.id)).assignment_count).toBe(2);
});
