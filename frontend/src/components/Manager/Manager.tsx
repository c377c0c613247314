import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDropzone } from 'react-dropzone';

import type { Api, Attachment, AttachmentLink, AttachmentQuery } from '../../api/client';
import { abilities, type ManagerConfig } from '../../config';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useUploadQueue } from '../../hooks/useUploadQueue';
import { formatSize } from '../../utils/format';
import { DeleteDialog } from '../DeleteDialog/DeleteDialog';
import { FileIcon } from '../FileIcon/FileIcon';
import { LinkObjectsDialog } from '../LinkObjectsDialog/LinkObjectsDialog';
import { LazyPreviewDialog } from '../PreviewDialog/LazyPreviewDialog';
import type { PreviewTarget } from '../PreviewDialog/PreviewDialog';
import { PreviewDownloadButtons } from '../PreviewDownloadButtons/PreviewDownloadButtons';
import { UnlinkDialog } from '../UnlinkDialog/UnlinkDialog';
import { UploadQueue } from '../UploadQueue/UploadQueue';

export const PAGE_SIZE = 25;

// no-ts: NetBox's page script turns every other <select> into a TomSelect widget, which React could not control.
const SELECT = 'form-select w-auto no-ts';

type YesNo = '' | 'true' | 'false';
interface Filters {
  q: string;
  objectTypeId: string;
  hasAssignments: YesNo;
  hasBrokenAssignments: YesNo;
  tag: string;
}
const NO_FILTERS: Filters = { q: '', objectTypeId: '', hasAssignments: '', hasBrokenAssignments: '', tag: '' };

const SORTABLE: { key: string; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size' },
  { key: 'assignment_count', label: 'Links' },
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

function linkLabel(link: AttachmentLink): string {
  const parent = link.parent as { display?: string } | null;
  return parent?.display ?? `${link.object_type.replace('.', ' > ')} #${link.object_id}`;
}

interface Props {
  config: ManagerConfig;
  api: Api;
}

/** Every attachment: server-side search, filters, sorting and pages; upload, preview, link, unlink and delete. */
export function Manager({ config, api }: Props) {
  const can = abilities(config.permissions);
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [ordering, setOrdering] = useState('name');
  const [page, setPage] = useState(0);
  const q = useDebouncedValue(filters.q.trim());
  const query = listQuery({ ...filters, q }, ordering, page);
  const list = useQuery({
    queryKey: ['attachments', 'manager', query],
    queryFn: ({ signal }) => api.listAttachments(query, signal),
    placeholderData: keepPreviousData,
  });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.listTags() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['attachments'] });

  const setFilter = (changes: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...changes }));
    setPage(0);
  };
  const sortBy = (key: string) => {
    setOrdering((current) => (current === key ? `-${key}` : key));
    setPage(0);
  };

  const queue = useUploadQueue({ api, maxUploadSize: config.maxUploadSize, onStored: refresh });
  const dropzone = useDropzone({
    onDrop: (files) => queue.add(files),
    noClick: true,
    noKeyboard: true,
    disabled: !can.uploadUnlinked,
  });

  const [preview, setPreview] = useState<PreviewTarget | null>(null);
  const [linking, setLinking] = useState<Attachment | null>(null);
  const [unlinking, setUnlinking] = useState<{ attachment: Attachment; link: AttachmentLink } | null>(null);
  const [deleting, setDeleting] = useState<Attachment | null>(null);
  const unlink = useMutation({ mutationFn: (id: number) => api.unlink(id), onSettled: refresh });
  const remove = useMutation({ mutationFn: (id: number) => api.deleteAttachment(id), onSettled: refresh });

  const count = list.data?.count ?? 0;
  // A delete or unlink (here or by someone else) can empty the last page: step back to the new last one.
  const lastPage = Math.max(0, Math.ceil(count / PAGE_SIZE) - 1);
  if (list.data && !list.isPlaceholderData && page > lastPage) setPage(lastPage);
  const first = count ? page * PAGE_SIZE + 1 : 0;
  const last = Math.min(count, (page + 1) * PAGE_SIZE);

  return (
    <div
      {...dropzone.getRootProps({
        className: 'card netbox-attachments-widget',
        role: 'region',
        'aria-label': 'Attachment manager',
        // A disabled dropzone marks its root aria-disabled, which would disable every control inside it for assistive
        // technology; only dropping is off for users who may not upload.
        'aria-disabled': undefined,
      })}
    >
      <input {...dropzone.getInputProps({ 'aria-label': 'Choose files to upload' })} />
      {dropzone.isDragActive && (
        <div className="netbox-attachments-drop">Drop files to upload them as new attachments</div>
      )}
      <div className="card-header flex-wrap gap-2">
        <input
          type="search"
          className="form-control"
          style={{ maxWidth: '22rem' }}
          placeholder="Search name, file name, description"
          aria-label="Search attachments"
          value={filters.q}
          onChange={(event) => setFilter({ q: event.target.value })}
        />
        <select
          className={SELECT}
          aria-label="Linked to object type"
          value={filters.objectTypeId}
          onChange={(event) => setFilter({ objectTypeId: event.target.value })}
        >
          <option value="">Any object type</option>
          {config.objectTypes.map((type) => (
            <option key={type.id} value={type.id}>
              {type.label}
            </option>
          ))}
        </select>
        <select
          className={SELECT}
          aria-label="Has assignments"
          value={filters.hasAssignments}
          onChange={(event) => setFilter({ hasAssignments: event.target.value as YesNo })}
        >
          <option value="">Linked or not</option>
          <option value="true">Has assignments</option>
          <option value="false">Has no assignments</option>
        </select>
        <select
          className={SELECT}
          aria-label="Has broken assignments"
          value={filters.hasBrokenAssignments}
          onChange={(event) => setFilter({ hasBrokenAssignments: event.target.value as YesNo })}
        >
          <option value="">Broken links or not</option>
          <option value="true">Has broken assignments</option>
          <option value="false">No broken assignments</option>
        </select>
        <select
          className={SELECT}
          aria-label="Tag"
          value={filters.tag}
          onChange={(event) => setFilter({ tag: event.target.value })}
        >
          <option value="">Any tag</option>
          {(tags.data ?? []).map((tag) => (
            <option key={tag.id} value={tag.slug}>
              {tag.display}
            </option>
          ))}
        </select>
        <div className="ms-auto btn-list">
          {can.uploadUnlinked && (
            <button type="button" className="btn btn-primary" onClick={dropzone.open}>
              <i className="mdi mdi-upload" aria-hidden="true" /> Upload files
            </button>
          )}
        </div>
      </div>
      {tags.isError && (
        <div className="card-body py-2 text-secondary small" role="status">
          The tag filter is unavailable: {tags.error.message}
        </div>
      )}
      <UploadQueue items={queue.items} onCancel={queue.cancel} onClear={queue.clearFinished} />
      {list.isError && (
        <div className="card-body">
          <div className="alert alert-danger mb-0" role="alert">
            Could not load the attachments: {list.error.message}
          </div>
        </div>
      )}
      {list.isPending && <div className="card-body text-secondary">Loading attachments…</div>}
      {list.data && list.data.results.length === 0 && (
        <div className="card-body text-center text-secondary py-4">
          <i className="mdi mdi-paperclip d-block fs-1" aria-hidden="true" />
          No attachment matches these filters.{can.uploadUnlinked && ' Drop files here to upload new ones.'}
        </div>
      )}
      {list.data && list.data.results.length > 0 && (
        <div className="table-responsive">
          <table className="table table-hover card-table mb-0 align-middle">
            <thead>
              <tr>
                <th aria-label="Type" />
                {SORTABLE.slice(0, 1).map((column) => (
                  <SortHeader key={column.key} column={column} ordering={ordering} onSort={sortBy} />
                ))}
                <th>File</th>
                {SORTABLE.slice(1, 3).map((column) => (
                  <SortHeader key={column.key} column={column} ordering={ordering} onSort={sortBy} />
                ))}
                <th>Linked to</th>
                <th>Description</th>
                {SORTABLE.slice(3).map((column) => (
                  <SortHeader key={column.key} column={column} ordering={ordering} onSort={sortBy} />
                ))}
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.results.map((a) => {
                const unassigned = a.assignment_count === 0;
                return (
                  <tr
                    key={a.id}
                    className={unassigned ? 'table-warning' : undefined}
                    data-unassigned={unassigned || undefined}
                  >
                    <td>
                      <FileIcon
                        contentType={a.content_type}
                        filename={a.filename}
                        size={a.size}
                        downloadUrl={a.download_url}
                        inlineContentTypes={config.inlineContentTypes}
                      />
                    </td>
                    <td>
                      <a href={a.display_url}>{a.name}</a>
                      {unassigned && <span className="badge bg-warning-lt ms-2">Unassigned</span>}
                    </td>
                    <td className="text-break">{a.filename}</td>
                    <td className="text-nowrap">{formatSize(a.size)}</td>
                    <td>{a.assignment_count}</td>
                    <td>
                      <ul className="list-unstyled mb-0">
                        {a.assignments.map((link) => (
                          <li key={link.id} className="d-flex align-items-center gap-1">
                            {link.parent ? (
                              <a href={(link.parent as { display_url?: string }).display_url}>{linkLabel(link)}</a>
                            ) : (
                              <span className="text-danger" title="The linked object is gone or hidden">
                                {linkLabel(link)}
                              </span>
                            )}
                            {can.unlink && (
                              <button
                                type="button"
                                className="btn btn-sm btn-ghost-danger p-0 px-1"
                                onClick={() => setUnlinking({ attachment: a, link })}
                                aria-label={`Unlink ${a.name} from ${linkLabel(link)}`}
                                title="Unlink (keeps the file)"
                              >
                                <i className="mdi mdi-link-variant-off" aria-hidden="true" />
                              </button>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>{a.description || '—'}</td>
                    <td className="text-nowrap">{a.created ? new Date(a.created).toLocaleDateString() : '—'}</td>
                    <td className="text-end text-nowrap">
                      <PreviewDownloadButtons attachment={a} onPreview={setPreview} />
                      {can.link && (
                        <button
                          type="button"
                          className="btn btn-sm btn-outline-primary ms-1"
                          onClick={() => setLinking(a)}
                          aria-label={`Link ${a.name} to objects`}
                          title="Link to objects"
                        >
                          <i className="mdi mdi-link-variant-plus" aria-hidden="true" />
                        </button>
                      )}
                      {can.deleteEverywhere && (
                        <button
                          type="button"
                          className="btn btn-sm btn-outline-danger ms-1"
                          onClick={() => setDeleting(a)}
                          aria-label={`Delete ${a.name}`}
                          title="Delete the attachment and its file"
                        >
                          <i className="mdi mdi-trash-can-outline" aria-hidden="true" />
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
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
      {preview && (
        <LazyPreviewDialog
          target={preview}
          api={api}
          inlineContentTypes={config.inlineContentTypes}
          onClose={() => setPreview(null)}
        />
      )}
      {linking && (
        <LinkObjectsDialog
          api={api}
          attachment={linking}
          objectTypes={config.objectTypes}
          onLinked={refresh}
          onClose={() => setLinking(null)}
        />
      )}
      {unlinking && (
        <UnlinkDialog
          name={unlinking.attachment.name ?? unlinking.attachment.filename}
          target={linkLabel(unlinking.link)}
          linkCount={unlinking.attachment.assignment_count}
          unassignedListUrl={`${config.attachmentListUrl}?has_assignments=false`}
          onUnlink={() => unlink.mutateAsync(unlinking.link.id)}
          onClose={() => setUnlinking(null)}
        />
      )}
      {deleting && (
        <DeleteDialog
          name={deleting.name ?? deleting.filename}
          linkCount={deleting.assignment_count}
          onDelete={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}

function SortHeader({
  column,
  ordering,
  onSort,
}: {
  column: { key: string; label: string };
  ordering: string;
  onSort: (key: string) => void;
}) {
  const active = ordering.replace(/^-/, '') === column.key;
  const descending = ordering.startsWith('-');
  return (
    <th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="netbox-attachments-sort" onClick={() => onSort(column.key)}>
        {column.label}
        {active && <i className={`mdi mdi-arrow-${descending ? 'down' : 'up'}`} aria-hidden="true" />}
      </button>
    </th>
  );
}
