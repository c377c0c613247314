import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';

import type { Api, Attachment, NestedAssignment } from '../../api/client';
import type { WidgetConfig } from '../../config';
import { useUploadQueue } from '../../hooks/useUploadQueue';
import { formatSize } from '../../utils/format';
import { LinkExisting } from '../LinkExisting/LinkExisting';
import { PreviewDownloadButtons } from '../PreviewDownloadButtons/PreviewDownloadButtons';
import { UploadQueue } from '../UploadQueue/UploadQueue';
import { AttachmentRow, AttachmentTable, nextSort, type Column, type Sort } from '../kit/AttachmentTable';
import { DropzoneRoot, UploadButton, useFileDrop } from '../kit/DropzoneRoot';
import { DeleteButton, IconButton } from '../kit/RowButtons';
import { ListState } from '../kit/ListState';
import { useRefreshAttachments, useRowActions } from '../kit/useRowActions';

// The most links one object's list shows; the server caps a page at 1000 anyway.
export const OBJECT_LIST_LIMIT = 1000;

interface Row {
  attachment: Attachment;
  assignment: NestedAssignment;
}

type SortKey = 'name' | 'description' | 'filename' | 'size' | 'links';
const COLUMNS: Column<SortKey>[] = [
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
    return (descending ? -order : order) || x.assignment.id - y.assignment.id;
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
  const can = config.capabilities;
  const list = useQuery({
    queryKey: ['attachments', 'object', object.typeId, object.id],
    queryFn: ({ signal }) =>
      api.listAttachments(
        { object_type_id: [object.typeId], object_id: [object.id], limit: OBJECT_LIST_LIMIT, ordering: 'name' },
        signal,
      ),
  });
  const refresh = useRefreshAttachments();

  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'name', descending: false });
  const rows = useMemo(() => {
    // A row per link to this object that the user may view, as the server-rendered table shows.
    const found: Row[] = [];
    for (const attachment of list.data?.results ?? []) {
      const assignment = attachment.assignments.find((a) => a.object_type === object.type && a.object_id === object.id);
      if (assignment) found.push({ attachment, assignment });
    }
    return found.sort(compareRows(sort.key, sort.descending));
  }, [list.data, object.type, object.id, sort]);

  const queue = useUploadQueue({
    api,
    maxUploadSize: config.maxUploadSize,
    afterUpload: (attachment) => api.link(attachment.id, object.type, object.id),
    onStored: refresh,
  });
  const dropzone = useFileDrop(queue.add, can.upload);
  const actions = useRowActions(api, config);
  const [linking, setLinking] = useState(false);

  const objectLabel = `${object.typeLabel} ${object.display}`;
  // In a narrow side panel, long texts are cut to one line; the tooltip has them whole.
  const truncate = compact ? { className: 'text-truncate', style: { maxWidth: '6rem' } } : {};

  return (
    <DropzoneRoot
      dropzone={dropzone}
      label={`Attachments of ${objectLabel}`}
      className="card netbox-attachments netbox-attachments-widget"
      dropMessage={`Drop files to attach them to ${objectLabel}`}
    >
      <div className="card-header">
        <h2 className="card-title">
          Attachments {list.data && <span className="badge bg-secondary-lt ms-1">{rows.length}</span>}
        </h2>
        <div className="card-actions btn-list">
          {can.upload && <UploadButton dropzone={dropzone} small />}
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
      <ListState list={list} empty={list.isSuccess && rows.length === 0}>
        <p className="mb-0">No attachments yet.</p>
        {can.upload && <p className="mb-0">Drop files here, or use “Upload files”.</p>}
      </ListState>
      {rows.length > 0 && (
        <AttachmentTable columns={COLUMNS} sort={sort} onSort={(key) => setSort((current) => nextSort(current, key))}>
          {rows.map((row) => {
            const a = row.attachment;
            return (
              <AttachmentRow key={row.assignment.id} attachment={a} inlineContentTypes={config.inlineContentTypes}>
                <td>
                  <a href={a.display_url}>{a.name}</a>
                </td>
                <td {...truncate} title={compact ? a.description : undefined}>
                  {a.description || '—'}
                </td>
                <td {...truncate} title={a.filename}>
                  {a.filename}
                </td>
                <td className="text-nowrap">{formatSize(a.size)}</td>
                <td title="Objects this attachment is linked to, across the whole system">
                  <a href={a.display_url}>{a.assignment_count}</a>
                </td>
                <td className="text-end text-nowrap">
                  <div className={compact ? 'netbox-attachments-actions-compact' : undefined}>
                    <PreviewDownloadButtons attachment={a} onPreview={actions.preview} />
                    {can.unlink && (
                      <IconButton
                        icon="link-variant-off"
                        label={`Unlink ${a.name}`}
                        title="Unlink (keeps the file)"
                        className="btn-danger ms-1"
                        onClick={() => actions.unlink({ ...row, target: objectLabel })}
                      >
                        {!compact && ' Unlink'}
                      </IconButton>
                    )}
                    {can.deleteEverywhere && (
                      <DeleteButton attachment={a} everywhere onClick={() => actions.remove(a)} />
                    )}
                  </div>
                </td>
              </AttachmentRow>
            );
          })}
        </AttachmentTable>
      )}
      {list.data && (list.data.count ?? 0) > list.data.results.length && (
        <div className="card-footer text-secondary small">
          Showing the first {list.data.results.length} of {list.data.count} attachments.{' '}
          <a href={`${config.attachmentListUrl}?object_type_id=${object.typeId}&object_id=${object.id}`}>
            See them all
          </a>
        </div>
      )}
      {actions.dialogs}
    </DropzoneRoot>
  );
}
