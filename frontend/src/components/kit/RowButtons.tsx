import type { ReactNode } from 'react';

import type { Attachment } from '../../api/client';

interface IconButtonProps {
  /** The Material Design icon's name, without "mdi-". */
  icon: string;
  /** What the button does, for screen readers and tests; `title` is the tooltip. */
  label: string;
  title: string;
  /** Bootstrap classes besides "btn btn-sm": colour and spacing. */
  className: string;
  onClick: () => void;
  /** A text after the icon, where there is room for it. */
  children?: ReactNode;
}

/** The small icon buttons of a table row (link, unlink, delete). */
export function IconButton({ icon, label, title, className, onClick, children }: IconButtonProps) {
  return (
    <button type="button" className={`btn btn-sm ${className}`} onClick={onClick} aria-label={label} title={title}>
      <i className={`mdi mdi-${icon}`} aria-hidden="true" />
      {children}
    </button>
  );
}

interface DeleteButtonProps {
  attachment: Attachment;
  /** On an object's page: the attachment also goes from the other objects it is linked to, which the page hides. */
  everywhere?: boolean;
  onClick: () => void;
}

/** The row's button that opens the delete confirmation. */
export function DeleteButton({ attachment, everywhere = false, onClick }: DeleteButtonProps) {
  const scope = everywhere ? ' everywhere' : '';
  return (
    <IconButton
      icon="trash-can-outline"
      label={`Delete ${attachment.name}${scope}`}
      title={`Delete the attachment and its file${scope}`}
      className="btn-outline-danger ms-1"
      onClick={onClick}
    />
  );
}
