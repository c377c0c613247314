import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import type { ObjectTypeOption } from '../../config';
import { CSRF_TOKEN, ORIGIN, attachment, assignmentOf, type Attachment } from '../../test/builders';
import { renderWithQueries } from '../../test/render';
import { URLS, answer, hold, pageApi, queryOf, refusal, sent, server } from '../../test/server';
import { LinkObjectsDialog, OBJECT_SEARCH_RESULTS } from './LinkObjectsDialog';

const OBJECT_TYPES: ObjectTypeOption[] = [
  { id: 7, value: 'dcim.device', label: 'DCIM > Device', apiUrl: '/api/dcim/devices/' },
  { id: 8, value: 'dcim.site', label: 'DCIM > Site', apiUrl: '/api/dcim/sites/' },
];
const DEVICES = `${ORIGIN}/api/dcim/devices/`;
const SITES = `${ORIGIN}/api/dcim/sites/`;

/** Renders the dialog; NetBox answers every device search with sw1 to sw3 and every site search with two sites. */
function renderDialog(subject: Attachment) {
  server.use(
    answer.netbox(
      '/api/dcim/devices/',
      [1, 2, 3].map((id) => ({ id, display: `sw${id}` })),
    ),
    answer.netbox('/api/dcim/sites/', [
      { id: 1, display: 'edge-1' },
      { id: 2, display: 'edge-2' },
    ]),
  );
  const onLinked = vi.fn();
  const onClose = vi.fn();
  renderWithQueries(
    <LinkObjectsDialog
      api={pageApi()}
      attachment={subject}
      objectTypes={OBJECT_TYPES}
      onLinked={onLinked}
      onClose={onClose}
    />,
  );
  return { onLinked, onClose };
}

const objects = () => within(screen.getByRole('list', { name: 'Objects' }));
const searchesOf = (url: string) => sent('GET', url).map((request) => queryOf(request));

describe('LinkObjectsDialog', () => {
  it('puts the focus in the search box when it opens', () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    expect(screen.getByLabelText('Search objects')).toHaveFocus();
  });

  it('lists the first objects of the first type on opening', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    expect(await screen.findByRole('checkbox', { name: 'sw3' })).toBeInTheDocument();
    expect(searchesOf(DEVICES)).toEqual([
      [
        ['q', ''],
        ['brief', '1'],
        ['limit', String(OBJECT_SEARCH_RESULTS)],
      ],
    ]);
  });

  it('searches the objects of the chosen type through that type’s API', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    await userEvent.type(screen.getByLabelText('Search objects'), 'edge');
    await waitFor(() => expect(searchesOf(SITES).at(-1)).toContainEqual(['q', 'edge']));
    expect(await screen.findByRole('checkbox', { name: 'edge-2' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'sw1' })).not.toBeInTheDocument();
  });

  it('links the ticked objects in one request, then reports and closes', async () => {
    const subject = attachment({ name: 'Floor plan' });
    const { onLinked, onClose } = renderDialog(subject);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'sw1' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'sw3' }));
    expect(screen.getByText('Selected: sw1, sw3')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Link to 2 objects' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onLinked).toHaveBeenCalledTimes(1);
    const links = sent('POST', URLS.assignments);
    expect(links).toHaveLength(1);
    expect(links[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(await links[0].json()).toEqual([
      { attachment: subject.id, object_type: 'dcim.device', object_id: 1 },
      { attachment: subject.id, object_type: 'dcim.device', object_id: 3 },
    ]);
  });

  it('reads “Link to 1 object” for one object, and cannot link nothing', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    expect(screen.getByRole('button', { name: 'Link to 0 objects' })).toBeDisabled();
    await userEvent.click(await screen.findByRole('checkbox', { name: 'sw2' }));
    expect(screen.getByRole('button', { name: 'Link to 1 object' })).toBeEnabled();
  });

  it('shows objects already linked as checked, disabled and “Already linked”', async () => {
    renderDialog(attachment({ name: 'Floor plan', id: 41, assignments: [assignmentOf(41, 'dcim.device', 2)] }));
    const linked = await screen.findByRole('checkbox', { name: /^sw2 *Already linked$/ });
    expect(linked).toBeChecked();
    expect(linked).toBeDisabled();
    expect(objects().getAllByText('Already linked')).toHaveLength(1);
    expect(screen.getByRole('checkbox', { name: 'sw1' })).not.toBeChecked();
  });

  it('does not take a link to another type’s object with the same id for a link to this one', async () => {
    renderDialog(attachment({ name: 'Floor plan', id: 42, assignments: [assignmentOf(42, 'dcim.site', 2)] }));
    const device = await screen.findByRole('checkbox', { name: 'sw2' });
    expect(device).not.toBeChecked();
    expect(device).toBeEnabled();
  });

  it('clears the selection when the type changes, as one request links objects of one type', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'sw1' }));
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    expect(screen.getByText('Nothing selected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link to 0 objects' })).toBeDisabled();
  });

  it('does not offer the previous type’s objects while the new type’s are loading', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    await screen.findByRole('checkbox', { name: 'sw1' });
    const siteSearches = hold('get', SITES); // the site search is not answered
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    await waitFor(() => expect(siteSearches).toHaveLength(1));
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });

  it('shows why NetBox refused the search', async () => {
    renderDialog(attachment({ name: 'Floor plan' }));
    await screen.findByRole('checkbox', { name: 'sw1' });
    server.use(http.get(SITES, refusal(403, { detail: 'You do not have permission to perform this action.' })));
    await userEvent.selectOptions(screen.getByLabelText('Object type'), 'dcim.site');
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to perform this action.');
  });

  it('keeps the dialog open with the server’s reason when the link is refused', async () => {
    const { onLinked, onClose } = renderDialog(attachment({ name: 'Floor plan' }));
    server.use(
      http.post(URLS.assignments, refusal(403, { detail: 'You do not have permission to perform this action.' })),
    );
    await userEvent.click(await screen.findByRole('checkbox', { name: 'sw1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Link to 1 object' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to perform this action.');
    expect(screen.getByRole('button', { name: 'Link to 1 object' })).toBeEnabled();
    expect(screen.getByRole('checkbox', { name: 'sw1' })).toBeChecked();
    expect(onClose).not.toHaveBeenCalled();
    expect(onLinked).not.toHaveBeenCalled();
  });
});
