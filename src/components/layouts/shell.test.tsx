import { cleanup, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { Session } from '#contract/dashboard-api.ts';
import { Shell } from './shell.tsx';

function renderShell(url: string, session: Partial<Session> = {}) {
  const full: Session = { operator: 'alice', role: 'operator', upstream: 'emulator', stuck_after_minutes: 10, history_days: 30, audit_history_days: 365, ...session };
  const element = (
    <Shell session={full} onLogout={() => undefined} loggingOut={false} busy={false}>
      <p>page</p>
    </Shell>
  );
  const router = createMemoryRouter([{ path: '*', element }], { initialEntries: [url] });
  render(<RouterProvider router={router} />);
  return within(screen.getByRole('navigation', { name: 'Main' }));
}

describe('Shell navigation', () => {
  it('marks Uploads as the current page on the list', () => {
    const nav = renderShell('/?status=pending');
    expect(nav.getByRole('link', { name: 'Uploads' }).getAttribute('aria-current')).toBe('page');
    expect(nav.getByRole('link', { name: 'Audit' }).hasAttribute('aria-current')).toBe(false);
  });

  it('marks Audit as the current page on the audit log, whatever its filters', () => {
    const nav = renderShell('/audit?outcome=failed');
    expect(nav.getByRole('link', { name: 'Audit' }).getAttribute('aria-current')).toBe('page');
    expect(nav.getByRole('link', { name: 'Audit' }).getAttribute('href')).toBe('/audit');
    expect(nav.getByRole('link', { name: 'Uploads' }).hasAttribute('aria-current')).toBe(false);
  });

  it('keeps Uploads marked, as the section, on an upload’s page', () => {
    const nav = renderShell('/uploads/upload_abc');
    expect(nav.getByRole('link', { name: 'Uploads' }).getAttribute('aria-current')).toBe('true');
  });

  it('shows a Read-only badge beside a read-only operator’s name only', () => {
    renderShell('/', { operator: 'viewer', role: 'read_only' });
    expect(screen.getByText('viewer')).toBeTruthy();
    expect(screen.getByText('Read-only')).toBeTruthy();
    cleanup();
    renderShell('/');
    expect(screen.getByText('alice')).toBeTruthy();
    expect(screen.queryByText('Read-only')).toBeNull();
  });
});
