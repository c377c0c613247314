import { expect, test } from '../fixtures';
import { ManagerPage } from '../pages/ManagerPage';
import { text } from '../support/files';
import { breakAssignment } from '../support/database';

test('manager: search, filter by assignments and broken ones, link to two objects, delete naming the links', async ({
  page,
  api,
  server,
  unique,
  snap,
}) => {
  const topic = unique('pdu-audit');
  const [spine, leaf] = [await api.createDevice(`${topic}-spine`), await api.createDevice(`${topic}-leaf`)];
  const unassigned = await api.upload(text(`${topic}-unassigned.txt`, 'not linked yet\n'), {
    name: `${topic} unassigned`,
  });
  const linked = await api.upload(text(`${topic}-linked.txt`, 'linked\n'), {
    name: `${topic} linked`,
    links: [['dcim.device', spine.id]],
  });
  const broken = await api.upload(text(`${topic}-broken.txt`, 'its device went away\n'), {
    name: `${topic} broken`,
    links: [['dcim.device', leaf.id]],
  });
  breakAssignment(server, broken.assignments[0].id);
  const all = [broken.name, linked.name, unassigned.name];

  const manager = await ManagerPage.open(page);
  await manager.search.fill(topic);
  await expect.poll(() => manager.names()).toEqual(all);
  await expect(manager.row(unassigned.name)).toHaveAttribute('data-unassigned', 'true');

  await manager.filter('Has assignments', false);
  await expect.poll(() => manager.names()).toEqual([unassigned.name]);
  await manager.filter('Has assignments', null);
  await manager.filter('Has broken assignments', true);
  await expect.poll(() => manager.names()).toEqual([broken.name]);
  await manager.filter('Has broken assignments', false);
  await expect.poll(() => manager.names()).toEqual([linked.name, unassigned.name]);
  await manager.filter('Has broken assignments', null);
  await expect.poll(() => manager.names()).toEqual(all);
  await snap('manager-search');

  // Link the unassigned one to both devices in one go.
  await manager
    .row(unassigned.name)
    .getByRole('button', { name: `Link ${unassigned.name} to objects` })
    .click();
  const dialog = manager.dialog;
  await dialog.getByLabel('Object type').selectOption('dcim.device');
  await dialog.getByRole('searchbox', { name: 'Search objects' }).fill(topic);
  const objects = dialog.getByRole('list', { name: 'Objects' });
  // NetBox's own search narrows the list to the two devices of this test.
  await expect(objects.getByRole('listitem')).toHaveCount(2);
  await objects.getByRole('checkbox', { name: spine.name }).check();
  await objects.getByRole('checkbox', { name: leaf.name }).check();
  await snap('manager-link-dialog');
  await dialog.getByRole('button', { name: 'Link to 2 objects' }).click();
  await expect(dialog).toBeHidden();
  const row = manager.row(unassigned.name);
  await expect(row).not.toHaveAttribute('data-unassigned');
  await expect(row.getByRole('link', { name: spine.name })).toBeVisible();
  await expect(row.getByRole('link', { name: leaf.name })).toBeVisible();

  await row.getByRole('button', { name: `Delete ${unassigned.name}` }).click();
  await expect(dialog.getByRole('heading', { name: 'Delete attachment' })).toBeVisible();
  await expect(dialog).toContainText('It is removed from the 2 objects it is linked to.');
  await dialog.getByRole('button', { name: 'Delete attachment and file' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => manager.names()).toEqual([broken.name, linked.name]);
  expect(await api.findAttachments(unassigned.name)).toEqual([]);
});
