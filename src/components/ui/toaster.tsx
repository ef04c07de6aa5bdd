// Toasts (sonner), loaded just after the first screen instead of with it: no toast can appear
// before the operator has done something, and sonner is about 9 kB gz of JS. The Toaster starts
// the import on the app's first render. A toast asked for before it has arrived is shown as soon
// as it has, in order: sonner keeps toasts made before its Toaster subscribed and replays them.
// The rest of the app imports `toast` from here, never from sonner (lint enforces it).
import { lazy, Suspense, type ComponentType } from 'react';
import type { toast as sonnerToast, ToasterProps } from 'sonner';

let sonner: Promise<typeof import('sonner')> | undefined;

function loadSonner() {
  sonner ??= import('sonner').catch((error: unknown) => {
    sonner = undefined; // the next toast tries again
    throw error;
  });
  return sonner;
}

/** Runs once sonner is there; calls made meanwhile keep their order (one promise, in turn). */
function later(show: (toast: typeof sonnerToast) => void): void {
  loadSonner().then(
    (module) => show(module.toast),
    () => undefined, // the chunk could not be fetched (a network failure): a toast is not worth an error
  );
}

type Toast = typeof sonnerToast;

/** sonner's `toast`, minus the return values (the ids, which callers pass in when they need one). */
export const toast = Object.assign((...args: Parameters<Toast>) => later((show) => show(...args)), {
  success: (...args: Parameters<Toast['success']>) => later((show) => show.success(...args)),
  error: (...args: Parameters<Toast['error']>) => later((show) => show.error(...args)),
  info: (...args: Parameters<Toast['info']>) => later((show) => show.info(...args)),
  dismiss: (...args: Parameters<Toast['dismiss']>) => later((show) => show.dismiss(...args)),
});

// A failed fetch renders nothing rather than taking the app down with it (there is no error
// boundary above the providers); toasts are then lost for this page load.
const noToaster: ComponentType<ToasterProps> = () => null;
const LazyToaster = lazy(() =>
  loadSonner().then(
    (module): { default: ComponentType<ToasterProps> } => ({ default: module.Toaster }),
    () => ({ default: noToaster }),
  ),
);

export function Toaster(props: ToasterProps) {
  return (
    <Suspense fallback={null}>
      <LazyToaster {...props} />
    </Suspense>
  );
}
