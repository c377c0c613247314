import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Attachment } from '../../api/client';
import type { ObjectTypeOption } from '../../config';
import { createFakeApi, linkOf, makeAttachment } from '../../test/fakeApi';
import { renderWithQueries } from '../../test/render';
import { LinkObjectsDialog, OBJECT_SEARCH_RESULTS } from './LinkObjectsDialog';

const OBJECT_TYPES: ObjectTypeOption[] = [
  { id: 7, value: 'dcim.device', label: 'DCIM > Device', apiUrl: '/api/dcim/devices/' },
  { id: 8, value: 'dcim.site', label: 'DCIM > Site', apiUrl: '/api/dcim/sites/' },
];

function renderDialog(attachment: Attachment, api = createFakeApi([attachment]).api) {
  const onLinked = vi.fn();
  const onClose = vi.fn();
  renderWithQueries(
    <LinkObjectsDialog
      api={api}
      attachment={attachment}
      objectTypes={OBJECT_TYPES}
      onLinked={onLinked}
      onClose={onClose}
    />,
  );
  return { api, onLinked, onClose };
}

const objects = () => within(screen.getByRole('list', { name: 'Objects' }));

describe('LinkObjectsDialog', () => {
  it('puts the focus in the search box when it opens', () => {
    renderDialog(makeAttachment({ name: 'Floor plan' }));
    expect(screen.getByLabelText('Search objects')).toHaveFocus();
  });

  it('searches the objects of the chosen type through that type’s API', async () => {
    const { api } = renderDialog(makeAttachment({ name: 'Floor plan' }));
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    await userEvent.type(screen.getByLabelText('Search objects'), 'edge');
    await waitFor(() =>
      expect(api.searchObjects).toHaveBeenLastCalledWith('/api/dcim/sites/', 'edge', OBJECT_SEARCH_RESULTS),
    );
    expect(await screen.findByRole('checkbox', { name: 'edge 1' })).toBeInTheDocument();
  });

  it('links the ticked objects in one request, then reports and closes', async () => {
    const attachment = makeAttachment({ name: 'Floor plan' });
    const { api, onLinked, onClose } = renderDialog(attachment);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'object 1' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'object 3' }));
    expect(screen.getByText('Selected: object 1, object 3')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Link to 2 objects' }));
    expect(api.linkMany).toHaveBeenCalledWith(attachment.id, 'dcim.device', [1, 3]);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onLinked).toHaveBeenCalledTimes(1);
  });

  it('reads “Link to 1 object” for one object, and cannot link nothing', async () => {
    renderDialog(makeAttachment({ name: 'Floor plan' }));
    expect(screen.getByRole('button', { name: 'Link to 0 objects' })).toBeDisabled();
    await userEvent.click(await screen.findByRole('checkbox', { name: 'object 2' }));
    expect(screen.getByRole('button', { name: 'Link to 1 object' })).toBeEnabled();
  });

  it('shows objects already linked as checked, disabled and “Already linked”', async () => {
    const attachment = makeAttachment({ name: 'Floor plan', id: 41 });
    const withLink = { ...attachment, assignments: [linkOf(41, 'dcim.device', 2)], assignment_count: 1 };
    renderDialog(withLink);
    const linked = await screen.findByRole('checkbox', { name: /^object 2 *Already linked$/ });
    expect(linked).toBeChecked();
    expect(linked).toBeDisabled();
    expect(objects().getAllByText('Already linked')).toHaveLength(1);
    expect(screen.getByRole('checkbox', { name: 'object 1' })).not.toBeChecked();
  });

  it('does not take a link to another type’s object with the same id for a link to this one', async () => {
    const attachment = makeAttachment({ name: 'Floor plan', id: 42 });
    renderDialog({ ...attachment, assignments: [linkOf(42, 'dcim.site', 2)], assignment_count: 1 });
    const device = await screen.findByRole('checkbox', { name: 'object 2' });
    expect(device).not.toBeChecked();
    expect(device).toBeEnabled();
  });

  it('clears the selection when the type changes, as one request links objects of one type', async () => {
    renderDialog(makeAttachment({ name: 'Floor plan' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'object 1' }));
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    expect(screen.getByText('Nothing selected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link to 0 objects' })).toBeDisabled();
  });

  it('does not offer the previous type’s objects while the new type’s are loading', async () => {
    const attachment = makeAttachment({ name: 'Floor plan' });
    const { api } = createFakeApi([attachment]);
    renderDialog(attachment, api);
    await screen.findByRole('checkbox', { name: 'object 1' });
    api.searchObjects.mockReturnValue(new Promise(() => {})); // the site search never answers
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    await waitFor(() =>
      expect(api.searchObjects).toHaveBeenLastCalledWith('/api/dcim/sites/', '', OBJECT_SEARCH_RESULTS),
    );
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });

  it('keeps the dialog open with the server’s reason when the link is refused', async () => {
    const attachment = makeAttachment({ name: 'Floor plan' });
    const { api } = createFakeApi([attachment]);
    api.linkMany.mockRejectedValueOnce(new Error('Object: You do not have permission to link this object.'));
    const { onLinked, onClose } = renderDialog(attachment, api);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'object 1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Link to 1 object' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Object: You do not have permission to link this object.',
    );
    expect(screen.getByRole('button', { name: 'Link to 1 object' })).toBeEnabled();
    expect(onClose).not.toHaveBeenCalled();
    expect(onLinked).not.toHaveBeenCalled();
  });
});
