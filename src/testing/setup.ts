// The cleanup every dashboard test file shares: nothing a test leaves behind (a rendered tree,
// a toast, fake timers, a stubbed fetch, a spy) reaches the next one. Imported by the test files
// that need it; meant to become the dashboard project's setupFiles entry in vite.config.ts.
import { cleanup } from '@testing-library/react';
import { toast } from 'sonner';
import { afterEach, vi } from 'vitest';

afterEach(() => {
  // Sonner keeps its toasts in module state: one test's must not show up in the next.
  toast.dismiss();
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
