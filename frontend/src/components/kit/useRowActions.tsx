import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import type { Api, Attachment, NestedAssignment } from '../../api/client';
import type { CommonConfig } from '../../config';
import { DeleteDialog } from '../DeleteDialog/DeleteDialog';
import { LazyPreviewDialog } from '../PreviewDialog/LazyPreviewDialog';
import type { PreviewTarget } from '../PreviewDialog/PreviewDialog';
import { UnlinkDialog } from '../UnlinkDialog/UnlinkDialog';

/** Reloads every attachment list on the page (the widget's, the manager's, their counts). */
export function useRefreshAttachments() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['attachments'] });
}

interface UnlinkRequest {
  attachment: Attachment;
  assignment: NestedAssignment;
  /** How the dialog names the linked object. */
  target: string;
}

/**
 * The preview, unlink and delete dialogs that a row's buttons open, wired to the API. Call `preview`, `unlink` or
 * `remove` from the buttons and put `dialogs` in the page.
 */
export function useRowActions(api: Api, config: Pick<CommonConfig, 'inlineContentTypes' | 'attachmentListUrl'>) {
  const refresh = useRefreshAttachments();
  const [previewing, setPreviewing] = useState<PreviewTarget | null>(null);
  const [unlinking, setUnlinking] = useState<UnlinkRequest | null>(null);
  const [deleting, setDeleting] = useState<Attachment | null>(null);
  // The list reloads after a refused unlink or delete too: a 404 means someone else changed it meanwhile.
  const dialogs = (
    <>
      {previewing && (
        <LazyPreviewDialog
          target={previewing}
          api={api}
          inlineContentTypes={config.inlineContentTypes}
          onClose={() => setPreviewing(null)}
        />
      )}
      {unlinking && (
        <UnlinkDialog
          name={unlinking.attachment.name ?? unlinking.attachment.filename}
          target={unlinking.target}
          linkCount={unlinking.attachment.assignment_count}
          unassignedListUrl={`${config.attachmentListUrl}?has_assignments=false`}
          onUnlink={() => api.unlink(unlinking.assignment.id).finally(refresh)}
          onClose={() => setUnlinking(null)}
        />
      )}
      {deleting && (
        <DeleteDialog
          name={deleting.name ?? deleting.filename}
          linkCount={deleting.assignment_count}
          onDelete={() => api.deleteAttachment(deleting.id).finally(refresh)}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
  return { preview: setPreviewing, unlink: setUnlinking, remove: setDeleting, dialogs };
}
