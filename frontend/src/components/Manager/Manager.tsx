import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import type { Api, Attachment, NestedAssignment, AttachmentQuery } from '../../api/client';
import type { ManagerConfig } from '../../config';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useUploadQueue } from '../../hooks/useUploadQueue';
import { formatSize } from '../../utils/format';
import { LinkObjectsDialog } from '../LinkObjectsDialog/LinkObjectsDialog';
import { PreviewDownloadButtons } from '../PreviewDownloadButtons/PreviewDownloadButtons';
import { UploadQueue } from '../UploadQueue/UploadQueue';
import { AttachmentRow, AttachmentTable, nextSort, type Column, type Sort } from '../kit/AttachmentTable';
import { DropzoneRoot, UploadButton, useFileDrop } from '../kit/DropzoneRoot';
import { DeleteButton, IconButton } from '../kit/RowButtons';
import { ListState } from '../kit/ListState';
import { useRefreshAttachments, useRowActions } from '../kit/useRowActions';

export const PAGE_SIZE = 25;

type YesNo = '' | 'true' | 'false';
interface Filters {
  q: string;
  objectTypeId: string;
  hasAssignments: YesNo;
  hasBrokenAssignments: YesNo;
  tag: string;
}
const NO_FILTERS: Filters = { q: '', objectTypeId: '', hasAssignments: '', hasBrokenAssignments: '', tag: '' };

/** [value, label] of a filter's choice; the first, with value "", is the one that filters nothing. */
type Option = [string, string];
const HAS_ASSIGNMENTS: Option[] = [
  ['', 'Linked or not'],
  ['true', 'Has assignments'],
  ['false', 'Has no assignments'],
];
const HAS_BROKEN_ASSIGNMENTS: Option[] = [
  ['', 'Broken links or not'],
  ['true', 'Has broken assignments'],
  ['false', 'No broken assignments'],
];

// Sortable keys are the API's `ordering` values.
const COLUMNS: Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'file', label: 'File', sortable: false },
  { key: 'size', label: 'Size' },
  { key: 'assignment_count', label: 'Links' },
  { key: 'linked', label: 'Linked to', sortable: false },
  { key: 'description', label: 'Description', sortable: false },
  { key: 'created', label: 'Created' },
];

/** The query the list sends for the filters, sort and page on screen. */
export function listQuery(filters: Filters, ordering: string, page: number): AttachmentQuery {
  const query: AttachmentQuery = { limit: PAGE_SIZE, offset: page * PAGE_SIZE, ordering };
  if (filters.q) query.q = filters.q;
  if (filters.objectTypeId) query.object_type_id = [Number(filters.objectTypeId)];
  if (filters.hasAssignments) query.has_assignments = filters.hasAssignments === 'true';
  if (filters.hasBrokenAssignments) query.has_broken_assignments = filters.hasBrokenAssignments === 'true';
  if (filters.tag) query.tag = [filters.tag];
  return query;
}

function targetLabel(assignment: NestedAssignment): string {
  const parent = assignment.parent as { display?: string } | null;
  return parent?.display ?? `${assignment.object_type.replace('.', ' > ')} #${assignment.object_id}`;
}

interface Props {
  config: ManagerConfig;
  api: Api;
}

/** Every attachment: server-side search, filters, sorting and pages; upload, preview, link, unlink and delete. */
export function Manager({ config, api }: Props) {
  const can = config.capabilities;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [sort, setSort] = useState<Sort>({ key: 'name', descending: false });
  const [page, setPage] = useState(0);
  const q = useDebouncedValue(filters.q.trim());
  const query = listQuery({ ...filters, q }, `${sort.descending ? '-' : ''}${sort.key}`, page);
  const list = useQuery({
    queryKey: ['attachments', 'manager', query],
    queryFn: ({ signal }) => api.listAttachments(query, signal),
    placeholderData: keepPreviousData,
  });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.listTags() });
  const refresh = useRefreshAttachments();

  const setFilter = (changes: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...changes }));
    setPage(0);
  };
  /** A filter's value and change handler, for its select. */
  const bind = (field: keyof Filters) => ({
    value: filters[field],
    onChange: (value: string) => setFilter({ [field]: value }),
  });
  const sortBy = (key: string) => {
    setSort((current) => nextSort(current, key));
    setPage(0);
  };

  const queue = useUploadQueue({ api, maxUploadSize: config.maxUploadSize, onStored: refresh });
  const dropzone = useFileDrop(queue.add, can.uploadUnlinked);
  const actions = useRowActions(api, config);
  const [linking, setLinking] = useState<Attachment | null>(null);

  const count = list.data?.count ?? 0;
  // A delete or unlink (here or by someone else) can empty the last page: step back to the new last one.
  const lastPage = Math.max(0, Math.ceil(count / PAGE_SIZE) - 1);
  if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);
  const first = count ? page * PAGE_SIZE + 1 : 0;
  const last = Math.min(count, (page + 1) * PAGE_SIZE);

  return (
    <DropzoneRoot
      dropzone={dropzone}
      label="Attachment manager"
      className="card netbox-attachments-widget"
      dropMessage="Drop files to upload them as new attachments"
    >
      <div className="card-header flex-wrap gap-2">
        <input
          type="search"
          className="form-control netbox-attachments-search"
          placeholder="Search name, file name, description"
          aria-label="Search attachments"
          value={filters.q}
          onChange={(event) => setFilter({ q: event.target.value })}
        />
        <FilterSelect
          label="Linked to object type"
          {...bind('objectTypeId')}
          options={[
            ['', 'Any object type'],
            ...config.objectTypes.map((type): Option => [String(type.id), type.label]),
          ]}
        />
        <FilterSelect label="Has assignments" {...bind('hasAssignments')} options={HAS_ASSIGNMENTS} />
        <FilterSelect
          label="Has broken assignments"
          {...bind('hasBrokenAssignments')}
          options={HAS_BROKEN_ASSIGNMENTS}
        />
        <FilterSelect
          label="Tag"
          {...bind('tag')}
          options={[['', 'Any tag'], ...(tags.data ?? []).map((tag): Option => [tag.slug ?? tag.display, tag.display])]}
        />
        <div className="ms-auto btn-list">{can.uploadUnlinked && <UploadButton dropzone={dropzone} />}</div>
      </div>
      {tags.isError && (
        <div className="card-body py-2 text-secondary small" role="status">
          The tag filter is unavailable: {tags.error.message}
        </div>
      )}
      <UploadQueue items={queue.items} onCancel={queue.cancel} onClear={queue.clearFinished} />
      <ListState list={list} empty={list.data?.results.length === 0}>
        No attachment matches these filters.{can.uploadUnlinked && ' Drop files here to upload new ones.'}
      </ListState>
      {list.data && list.data.results.length > 0 && (
        <AttachmentTable columns={COLUMNS} sort={sort} onSort={sortBy}>
          {list.data.results.map((a) => {
            const unassigned = a.assignment_count === 0;
            return (
              <AttachmentRow
                key={a.id}
                attachment={a}
                inlineContentTypes={config.inlineContentTypes}
                className={unassigned ? 'table-warning' : undefined}
                data-unassigned={unassigned || undefined}
              >
                <td>
                  <a href={a.display_url}>{a.name}</a>
                  {unassigned && <span className="badge bg-warning-lt ms-2">Unassigned</span>}
                </td>
                <td className="text-break">{a.filename}</td>
                <td className="text-nowrap">{formatSize(a.size)}</td>
                <td>{a.assignment_count}</td>
                <td>
                  <ul className="list-unstyled mb-0">
                    {a.assignments.map((assignment) => (
                      <li key={assignment.id} className="d-flex align-items-center gap-1">
                        {assignment.parent ? (
                          <a href={(assignment.parent as { display_url?: string }).display_url}>
                            {targetLabel(assignment)}
                          </a>
                        ) : (
                          <span className="text-danger" title="The linked object is gone or hidden">
                            {targetLabel(assignment)}
                          </span>
                        )}
                        {can.unlink && (
                          <IconButton
                            icon="link-variant-off"
                            label={`Unlink ${a.name} from ${targetLabel(assignment)}`}
                            title="Unlink (keeps the file)"
                            className="btn-ghost-danger p-0 px-1"
                            onClick={() =>
                              actions.unlink({ attachment: a, assignment, target: targetLabel(assignment) })
                            }
                          />
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{a.description || '—'}</td>
                <td className="text-nowrap">{a.created ? new Date(a.created).toLocaleDateString() : '—'}</td>
                <td className="text-end text-nowrap">
                  <PreviewDownloadButtons attachment={a} onPreview={actions.preview} />
                  {can.link && (
                    <IconButton
                      icon="link-variant-plus"
                      label={`Link ${a.name} to objects`}
                      title="Link to objects"
                      className="btn-outline-primary ms-1"
                      onClick={() => setLinking(a)}
                    />
                  )}
                  {can.deleteEverywhere && <DeleteButton attachment={a} onClick={() => actions.remove(a)} />}
                </td>
              </AttachmentRow>
            );
          })}
        </AttachmentTable>
      )}
      {count > 0 && (
        <div className="card-footer d-flex align-items-center">
          <span className="text-secondary me-auto" aria-live="polite">
            {first}–{last} of {count}
          </span>
          <div className="btn-list">
            <button type="button" className="btn btn-sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <button type="button" className="btn btn-sm" disabled={last >= count} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </div>
        </div>
      )}
      {actions.dialogs}
      {linking && (
        <LinkObjectsDialog
          api={api}
          attachment={linking}
          objectTypes={config.objectTypes}
          onLinked={refresh}
          onClose={() => setLinking(null)}
        />
      )}
    </DropzoneRoot>
  );
}

function FilterSelect(props: { label: string; value: string; onChange: (value: string) => void; options: Option[] }) {
  return (
    <select
      // no-ts: NetBox's page script turns every other <select> into a TomSelect widget, which React could not control.
      className="form-select w-auto no-ts"
      aria-label={props.label}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
    >
      {props.options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}
