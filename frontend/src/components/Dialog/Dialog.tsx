import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'md' | 'xl';
}

// A file dropped on a dialog is neither uploaded by the page's drop zone around it nor opened by the browser.
function keepDrop(event: DragEvent) {
  event.preventDefault();
  event.stopPropagation();
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert (focus stays inside), Escape closes
 * it, and focus returns to the control that opened it. An element marked data-autofocus gets the focus when it opens. Styled as a Tabler card, so it follows NetBox's light and dark themes.
 */
export function Dialog({ title, onClose, children, footer, size = 'md' }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  // The control that opened the dialog, taken before anything inside it can take focus.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, [opener]);
  const titleId = `netbox-attachments-dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      className={`netbox-attachments-dialog${size === 'xl' ? ' netbox-attachments-dialog-xl' : ''} card p-0`}
      aria-labelledby={titleId}
      onDragEnter={keepDrop}
      onDragOver={keepDrop}
      onDrop={keepDrop}
      onCancel={(event) => {
        event.preventDefault(); // Escape: let React unmount it, so state and focus stay in step
        onClose();
      }}
    >
      <div className="card-header">
        <h2 className="card-title" id={titleId}>
          {title}
        </h2>
        <div className="card-actions">
          <button type="button" className="btn-close" aria-label="Close" onClick={onClose} />
        </div>
      </div>
      <div className="card-body">{children}</div>
      {footer && (
        <div className="card-footer d-flex flex-wrap align-items-center justify-content-end gap-2">{footer}</div>
      )}
    </dialog>
  );
}
