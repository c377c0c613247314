import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useDropzone } from 'react-dropzone';

import type { Api, Attachment, AttachmentLink } from '../../api/client';
import { abilities, type WidgetConfig } from '../../config';
import { useUploadQueue } from '../../hooks/useUploadQueue';
import { formatSize } from '../../utils/format';
import { DeleteDialog } from '../DeleteDialog/DeleteDialog';
import { FileIcon } from '../FileIcon/FileIcon';
import { LinkExisting } from '../LinkExisting/LinkExisting';
import { LazyPreviewDialog } from '../PreviewDialog/LazyPreviewDialog';
import type { PreviewTarget } from '../PreviewDialog/PreviewDialog';
import { PreviewDownloadButtons } from '../PreviewDownloadButtons/PreviewDownloadButtons';
import { UnlinkDialog } from '../UnlinkDialog/UnlinkDialog';
import { UploadQueue } from '../UploadQueue/UploadQueue';

// The most links one object's list shows; the server caps a page at 1000 anyway.
export const OBJECT_LIST_LIMIT = 1000;

interface Row {
  attachment: Attachment;
  link: AttachmentLink;
}

type SortKey = 'name' | 'description' | 'filename' | 'size' | 'links';
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Attachment' },
  { key: 'description', label: 'Description' },
  { key: 'filename', label: 'File' },
  { key: 'size', label: 'Size' },
  { key: 'links', label: 'Links' },
];

function sortValue(row: Row, key: SortKey): string | number {
  const a = row.attachment;
  switch (key) {
    case 'name':
      return a.name ?? '';
    case 'description':
      return a.description ?? '';
    case 'filename':
      return a.filename;
    case 'size':
      return a.size ?? -1;
    case 'links':
      return a.assignment_count;
  }
}

function compareRows(key: SortKey, descending: boolean) {
  return (x: Row, y: Row) => {
    const a = sortValue(x, key);
    const b = sortValue(y, key);
    const order =
      typeof a === 'number' && typeof b === 'number'
        ? a - b
        : String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true });
    return (descending ? -order : order) || x.link.id - y.link.id;
  };
}

interface Props {
  config: WidgetConfig;
  api: Api;
  /** A narrow side panel: icon-only buttons, file names cut to one line (the full name is in the tooltip). */
  compact?: boolean;
}

/**
 * The attachments of one NetBox object, on its tab or in its panel: upload by drop or file chooser, link existing,
 * preview, download, unlink and (with delete permission) delete everywhere.
 */
export function ObjectWidget({ config, api, compact = false }: Props) {
  const { object } = config;
  const can = abilities(config.permissions);
  const queryClient = useQueryClient();
  const queryKey = ['attachments', 'object', object.typeId, object.id];
  const list = useQuery({
    queryKey,
    queryFn: ({ signal }) =>
      api.listAttachments(
        { object_type_id: [object.typeId], object_id: [object.id], limit: OBJECT_LIST_LIMIT, ordering: 'name' },
        signal,
      ),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['attachments'] });

  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });
  const rows = useMemo(() => {
    // A row per link to this object that the user may view, as the server-rendered table shows.
    const found: Row[] = [];
    for (const attachment of list.data?.results ?? []) {
      const link = attachment.assignments.find((a) => a.object_type === object.type && a.object_id === object.id);
      if (link) found.push({ attachment, link });
    }
    return found.sort(compareRows(sort.key, sort.descending));
  }, [list.data, object.type, object.id, sort]);

  const queue = useUploadQueue({
    api,
    maxUploadSize: config.maxUploadSize,
    afterUpload: (attachment) => api.link(attachment.id, object.type, object.id),
    onStored: refresh,
  });
  const dropzone = useDropzone({
    onDrop: (files) => queue.add(files),
    noClick: true,
    noKeyboard: true,
    disabled: !can.upload,
    multiple: true,
  });

  const [linking, setLinking] = useState(false);
  const [preview, setPreview] = useState<PreviewTarget | null>(null);
  const [unlinking, setUnlinking] = useState<Row | null>(null);
  const [deleting, setDeleting] = useState<Row | null>(null);
  const unlink = useMutation({ mutationFn: (row: Row) => api.unlink(row.link.id), onSettled: refresh });
  const remove = useMutation({ mutationFn: (row: Row) => api.deleteAttachment(row.attachment.id), onSettled: refresh });

  const objectLabel = `${object.typeLabel} ${object.display}`;
  const unassignedListUrl = `${config.attachmentListUrl}?has_assignments=false`;

  return (
    <div
      {...dropzone.getRootProps({
        className: 'card netbox-attachments netbox-attachments-widget',
        'aria-label': `Attachments of ${objectLabel}`,
        role: 'region',
        // A disabled dropzone marks its root aria-disabled, which would disable every control inside it for assistive
        // technology; only dropping is off for users who may not upload.
        'aria-disabled': undefined,
      })}
    >
      <input {...dropzone.getInputProps({ 'aria-label': 'Choose files to upload' })} />
      {dropzone.isDragActive && (
        <div className="netbox-attachments-drop">Drop files to attach them to {objectLabel}</div>
      )}
      <div className="card-header">
        <h2 className="card-title">
          Attachments {list.data && <span className="badge bg-secondary-lt ms-1">{rows.length}</span>}
        </h2>
        <div className="card-actions btn-list">
          {can.upload && (
            <button type="button" className="btn btn-primary btn-sm" onClick={dropzone.open}>
              <i className="mdi mdi-upload" aria-hidden="true" /> Upload files
            </button>
          )}
          {can.link && (
            <button
              type="button"
              className="btn btn-outline-primary btn-sm"
              onClick={() => setLinking((open) => !open)}
              aria-expanded={linking}
            >
              <i className="mdi mdi-link-variant-plus" aria-hidden="true" /> Link existing
            </button>
          )}
        </div>
      </div>
      <UploadQueue items={queue.items} onCancel={queue.cancel} onClear={queue.clearFinished} />
      {linking && (
        <LinkExisting
          api={api}
          object={object}
          linkedIds={new Set(rows.map((row) => row.attachment.id))}
          onClose={() => setLinking(false)}
        />
      )}
      {list.isPending && <div className="card-body text-secondary">Loading attachments…</div>}
      {list.isError && (
        <div className="card-body">
          <div className="alert alert-danger mb-0" role="alert">
            Could not load the attachments: {list.error.message}
          </div>
        </div>
      )}
      {list.isSuccess && rows.length === 0 && (
        <div className="card-body text-center text-secondary py-4">
          <i className="mdi mdi-paperclip d-block fs-1" aria-hidden="true" />
          <p className="mb-0">No attachments yet.</p>
          {can.upload && <p className="mb-0">Drop files here, or use “Upload files”.</p>}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-responsive">
          <table className="table table-hover card-table mb-0 align-middle">
            <thead>
              <tr>
                <th aria-label="Type" />
                {COLUMNS.map((column) => {
                  const active = sort.key === column.key;
                  return (
                    <th key={column.key} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                      <button
                        type="button"
                        className="netbox-attachments-sort"
                        onClick={() => setSort({ key: column.key, descending: active ? !sort.descending : false })}
                      >
                        {column.label}
                        {active && (
                          <i className={`mdi mdi-arrow-${sort.descending ? 'down' : 'up'}`} aria-hidden="true" />
                        )}
                      </button>
                    </th>
                  );
                })}
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const a = row.attachment;
                return (
                  <tr key={row.link.id}>
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
                    </td>
                    <td
                      className={compact ? 'text-truncate' : undefined}
                      style={compact ? { maxWidth: '6rem' } : undefined}
                      title={compact ? a.description : undefined}
                    >
                      {a.description || '—'}
                    </td>
                    <td
                      className={compact ? 'text-truncate' : undefined}
                      style={compact ? { maxWidth: '6rem' } : undefined}
                      title={a.filename}
                    >
                      {a.filename}
                    </td>
                    <td className="text-nowrap">{formatSize(a.size)}</td>
                    <td title="Objects this attachment is linked to, across the whole system">
                      <a href={a.display_url}>{a.assignment_count}</a>
                    </td>
                    <td className="text-end text-nowrap">
                      <div className={compact ? 'netbox-attachments-actions-compact' : undefined}>
                        <PreviewDownloadButtons attachment={a} onPreview={setPreview} />
                        {can.unlink && (
                          <button
                            type="button"
                            className="btn btn-sm btn-danger ms-1"
                            onClick={() => setUnlinking(row)}
                            aria-label={`Unlink ${a.name}`}
                            title="Unlink (keeps the file)"
                          >
                            <i className="mdi mdi-link-variant-off" aria-hidden="true" />
                            {!compact && ' Unlink'}
                          </button>
                        )}
                        {can.deleteEverywhere && (
                          <button
                            type="button"
                            className="btn btn-sm btn-outline-danger ms-1"
                            onClick={() => setDeleting(row)}
                            aria-label={`Delete ${a.name} everywhere`}
                            title="Delete the attachment and its file everywhere"
                          >
                            <i className="mdi mdi-trash-can-outline" aria-hidden="true" />
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {list.data && (list.data.count ?? 0) > list.data.results.length && (
        <div className="card-footer text-secondary small">
          Showing the first {list.data.results.length} of {list.data.count} attachments.{' '}
          <a href={`${config.attachmentListUrl}?object_type_id=${object.typeId}&object_id=${object.id}`}>
            See them all
          </a>
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
      {unlinking && (
        <UnlinkDialog
          name={unlinking.attachment.name ?? unlinking.attachment.filename}
          target={objectLabel}
          linkCount={unlinking.attachment.assignment_count}
          unassignedListUrl={unassignedListUrl}
          onUnlink={() => unlink.mutateAsync(unlinking)}
          onClose={() => setUnlinking(null)}
        />
      )}
      {deleting && (
        <DeleteDialog
          name={deleting.attachment.name ?? deleting.attachment.filename}
          linkCount={deleting.attachment.assignment_count}
          onDelete={() => remove.mutateAsync(deleting)}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}
