import { Suspense, lazy } from 'react';

import type { PreviewDialogProps } from './PreviewDialog';

// Previews load their code only when someone opens one: the widget and the manager both show this one.
const PreviewDialog = lazy(() => import(/* webpackChunkName: "preview" */ './PreviewDialog'));

/** The preview dialog, its chunk fetched on first use; nothing shows during the fetch. */
export function LazyPreviewDialog(props: PreviewDialogProps) {
  return (
    <Suspense fallback={null}>
      <PreviewDialog {...props} />
    </Suspense>
  );
}
