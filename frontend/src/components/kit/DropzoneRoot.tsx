import type { ReactNode } from 'react';
import { useDropzone, type DropzoneState } from 'react-dropzone';

/** Files dropped anywhere on the card, or chosen with `open()` (the Upload button); nothing else opens the chooser. */
export function useFileDrop(onFiles: (files: File[]) => void, enabled: boolean): DropzoneState {
  return useDropzone({ onDrop: (files) => onFiles(files), noClick: true, noKeyboard: true, disabled: !enabled });
}

interface Props {
  dropzone: DropzoneState;
  /** The region's accessible name. */
  label: string;
  className: string;
  /** Shown over the card while files are dragged over it. */
  dropMessage: string;
  children: ReactNode;
}

/** The card of the widget and the manager, which takes dropped files, with the hidden file input the chooser uses. */
export function DropzoneRoot({ dropzone, label, className, dropMessage, children }: Props) {
  return (
    <div
      {...dropzone.getRootProps({
        className,
        role: 'region',
        'aria-label': label,
        // A disabled dropzone marks its root aria-disabled, which would disable every control inside it for assistive
        // technology; only dropping is off for users who may not upload.
        'aria-disabled': undefined,
      })}
    >
      <input {...dropzone.getInputProps({ 'aria-label': 'Choose files to upload' })} />
      {dropzone.isDragActive && <div className="netbox-attachments-drop">{dropMessage}</div>}
      {children}
    </div>
  );
}

/** Opens the file chooser; the chosen files go where dropped ones go. */
export function UploadButton({ dropzone, small = false }: { dropzone: DropzoneState; small?: boolean }) {
  return (
    <button type="button" className={small ? 'btn btn-primary btn-sm' : 'btn btn-primary'} onClick={dropzone.open}>
      <i className="mdi mdi-upload" aria-hidden="true" /> Upload files
    </button>
  );
}
