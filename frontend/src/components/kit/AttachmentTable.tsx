import type { ComponentProps, ReactNode } from 'react';

import type { Attachment } from '../../api/client';
import { FileIcon } from '../FileIcon/FileIcon';

export interface Sort<Key extends string = string> {
  key: Key;
  descending: boolean;
}

/** A click on the sorted column reverses it; a click on another column sorts by that one, ascending. */
export function nextSort<Key extends string>(sort: Sort<Key>, key: Key): Sort<Key> {
  return { key, descending: sort.key === key ? !sort.descending : false };
}

export interface Column<Key extends string = string> {
  key: Key;
  label: string;
  /** Columns sort unless they say otherwise. */
  sortable?: boolean;
}

interface TableProps<Key extends string> {
  columns: Column<Key>[];
  sort: Sort<Key>;
  onSort: (key: Key) => void;
  /** The rows: one AttachmentRow each. */
  children: ReactNode;
}

/** The table of attachments in the widget and the manager: a file-type column, the given ones, then the actions. */
export function AttachmentTable<Key extends string>({ columns, sort, onSort, children }: TableProps<Key>) {
  return (
    <div className="table-responsive">
      <table className="table table-hover card-table mb-0 align-middle">
        <thead>
          <tr>
            <th aria-label="Type" />
            {columns.map((column) =>
              column.sortable === false ? (
                <th key={column.key}>{column.label}</th>
              ) : (
                <SortHeader
                  key={column.key}
                  label={column.label}
                  sorted={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  onSort={() => onSort(column.key)}
                />
              ),
            )}
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function SortHeader({
  label,
  sorted,
  onSort,
}: {
  label: string;
  sorted: 'ascending' | 'descending' | 'none';
  onSort: () => void;
}) {
  return (
    <th aria-sort={sorted}>
      <button type="button" className="netbox-attachments-sort" onClick={onSort}>
        {label}
        {sorted !== 'none' && (
          <i className={`mdi mdi-arrow-${sorted === 'descending' ? 'down' : 'up'}`} aria-hidden="true" />
        )}
      </button>
    </th>
  );
}

interface RowProps extends ComponentProps<'tr'> {
  attachment: Attachment;
  inlineContentTypes: string[];
}

/** A row of AttachmentTable: the file's thumbnail or icon, then the cells given as children. */
export function AttachmentRow({ attachment: a, inlineContentTypes, children, ...row }: RowProps) {
  return (
    <tr {...row}>
      <td>
        <FileIcon
          contentType={a.content_type}
          filename={a.filename}
          size={a.size}
          downloadUrl={a.download_url}
          inlineContentTypes={inlineContentTypes}
        />
      </td>
      {children}
    </tr>
  );
}
