import { expect, test } from '../fixtures';
import { randomFile, text } from '../support/files';

test.use({ javaScriptEnabled: false });

test('without JavaScript the tab keeps its server-rendered table, and its buttons add and unlink', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const kept = await api.upload(randomFile(`${unique('old-config')}.bin`, 8_000), {
    links: [['dcim.device', device.id]],
  });
  await page.goto(`${device.display_url}attachments/`);
  const table = page.locator('#netbox-attachments-tab table');
  await expect(table.getByRole('link', { name: kept.name, exact: true })).toBeVisible();
  await snap('no-javascript-tab');

  // Add: NetBox's form, with the link to this device filled in, and back to the device.
  await page.getByRole('link', { name: 'Add Attachment' }).first().click();
  const file = text(`${unique('site-survey')}.txt`, 'survey\n');
  await page.locator('input[type=file][name=file]').setInputFiles(file);
  await page.getByLabel('Name').fill(file.name);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(device.display_url); // the form's return_url
  await page.getByRole('link', { name: /^Attachments/ }).click();
  await expect(table.getByRole('link', { name: file.name, exact: true })).toBeVisible();
  const added = await api.findAttachment(file.name);
  expect(added.assignments.map((link) => [link.object_type, link.object_id])).toEqual([['dcim.device', device.id]]);

  // Unlink: NetBox's confirmation page, then back to the tab without the row; the attachment stays.
  await table.getByRole('link', { name: `Unlink ${kept.name}` }).click();
  await expect(page.getByRole('heading', { name: 'Unlink attachment?' })).toBeVisible();
  await expect(page.getByText('the attachment will be left with no assignments')).toBeVisible();
  await snap('no-javascript-unlink-page');
  await page.getByRole('button', { name: 'Unlink', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${new URL(device.display_url).pathname}attachments/$`));
  await expect(table.getByRole('link', { name: kept.name, exact: true })).toHaveCount(0);
  await expect(table.getByRole('link', { name: file.name, exact: true })).toBeVisible();
  expect((await api.attachment(kept.id)).assignment_count).toBe(0);
});
