import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

// webpack extracts it into the page's stylesheet, which the template links beside the script.
import '../styles.css';

export function createQueryClient() {
  return new QueryClient({
    // Errors are shown in the widget; a refused call (403, 404) would not succeed on a retry.
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
}

/** Replaces the server-rendered content of `element` with a React tree; each mount point is taken once. */
export function mount(element: HTMLElement, render: () => ReactNode): void {
  if (element.dataset.netboxAttachmentsMounted) return;
  element.dataset.netboxAttachmentsMounted = 'true';
  // The panel's HTMX placeholder must not fire its request into a node React is about to replace.
  element.querySelectorAll('[hx-trigger]').forEach((node) => node.removeAttribute('hx-trigger'));
  createRoot(element).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>{render()}</QueryClientProvider>
    </StrictMode>,
  );
}
