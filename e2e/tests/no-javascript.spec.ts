import { expect, test } from '../fixtures';
import { randomFile, text } from '../support/files';

test.use({ javaScriptEnabled: false });

test("without JavaScript the tab, like a panel, links to the object's attachments, which its buttons add to and unlink", async ({
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
  await snap('no-javascript-tab');

  // Add: NetBox's form, with the link to this device filled in, and back to the device.
  await page.getByRole('link', { name: 'Add Attachment' }).first().click();
  const file = text(`${unique('site-survey')}.txt`, 'survey\n');
  await page.locator('input[type=file][name=file]').setInputFiles(file);
  await page.getByLabel('Name').fill(file.name);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(device.display_url); // the form's return_url
  const added = await api.findAttachment(file.name);
  expect(added.assignments.map((link) => [link.object_type, link.object_id])).toEqual([['dcim.device', device.id]]);

  // The tab's list loads by script; without it, the tab points to the same list on a page of its own.
  await page.getByRole('link', { name: /^Attachments/ }).click();
  await page.getByRole('link', { name: "open this object's attachments" }).click();
  const list = page.url();
  const table = page.locator('table.object-list');
  await expect(table.getByRole('link', { name: kept.name, exact: true })).toBeVisible();
  await expect(table.getByRole('link', { name: file.name, exact: true })).toBeVisible();

  // Unlink: the unlink page (NetBox's delete confirmation), then back to the list without the row; the attachment
  // stays.
  await table.getByRole('row').filter({ hasText: kept.name }).getByRole('link', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: 'Unlink attachment?' })).toBeVisible();
  await expect(page.getByText('the attachment will be left with no assignments')).toBeVisible();
  await expect(page.getByText('The file is kept.')).toBeVisible();
  await snap('no-javascript-unlink-page');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(list);
  await expect(table.getByRole('link', { name: kept.name, exact: true })).toHaveCount(0);
  await expect(table.getByRole('link', { name: file.name, exact: true })).toBeVisible();
  expect((await api.attachment(kept.id)).assignment_count).toBe(0);
});
