import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { Session } from '#contract/dashboard-api.ts';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { Button } from '#src/components/ui/button.tsx';
import { LogOutIcon, UserIcon } from '#src/components/ui/icons.tsx';

const UPSTREAM: Record<Session['upstream'], { label: string; hint: string; className: string }> = {
  emulator: {
    label: 'Emulator',
    hint: 'Requests go to the built-in OpenAI emulator, not to OpenAI.',
    className: 'bg-violet-50 text-violet-700 ring-violet-600/25',
  },
  openai: {
    label: 'OpenAI',
    hint: 'Requests go to the real OpenAI API.',
    className: 'bg-emerald-50 text-emerald-700 ring-emerald-600/25',
  },
};

interface ShellProps {
  session: Session;
  onLogout: () => void;
  loggingOut: boolean;
  /** A route is loading: show a thin progress bar under the header. */
  busy: boolean;
  children: ReactNode;
}

function Logo() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6">
      <rect width="24" height="24" rx="6" className="fill-slate-900" />
      <path d="M12 17V8m0 0-3.5 3.5M12 8l3.5 3.5" stroke="white" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

const NAV_LINK =
  'relative inline-flex h-14 items-center px-1 text-[13px] font-medium transition-colors focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-sky-600';

/**
 * The page itself gets aria-current="page"; a page inside a section (an upload's detail, under
 * Uploads) marks the section's link "true".
 */
function NavItem({ to, section, children }: { to: string; section: (pathname: string) => boolean; children: ReactNode }) {
  const { pathname } = useLocation();
  const current = pathname === to ? 'page' : section(pathname) ? 'true' : undefined;
  return (
    <Link
      to={to}
      aria-current={current}
      className={cn(
        NAV_LINK,
        current
          ? 'text-slate-900 after:absolute after:inset-x-0 after:bottom-0 after:h-0.5 after:rounded-full after:bg-slate-900'
          : 'text-slate-500 hover:text-slate-900',
      )}
    >
      {children}
    </Link>
  );
}

const isUploadsSection = (pathname: string) => pathname === paths.uploads.path || pathname.startsWith('/uploads/');
const isAuditSection = (pathname: string) => pathname === paths.audit.path || pathname.startsWith(`${paths.audit.path}/`);

/** The frame around every signed-in page. Knows nothing of where the session comes from. */
export function Shell({ session, onLogout, loggingOut, busy, children }: ShellProps) {
  const upstream = UPSTREAM[session.upstream];
  return (
    <div className="min-h-dvh bg-slate-50">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-[1440px] items-center gap-3 px-4 sm:px-6">
          <Link
            to={paths.uploads.getHref()}
            className="flex items-center gap-2 rounded-sm text-[15px] font-semibold tracking-tight text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-sky-600"
          >
            <Logo />
            Uploads Console
          </Link>
          <span
            title={upstream.hint}
            className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-[11px] font-semibold ring-1 ring-inset', upstream.className)}
          >
            <span className="sr-only">Upstream: </span>
            <span>{upstream.label}</span>
          </span>
          <nav aria-label="Main" className="ml-3 flex items-center gap-5 border-l border-slate-200 pl-5">
            <NavItem to={paths.uploads.getHref()} section={isUploadsSection}>
              Uploads
            </NavItem>
            <NavItem to={paths.audit.getHref()} section={isAuditSection}>
              Audit
            </NavItem>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <span className="hidden items-center gap-1.5 text-[13px] text-slate-600 sm:inline-flex">
              <UserIcon className="size-4 text-slate-400" />
              <span className="sr-only">Signed in as </span>
              <span className="font-medium text-slate-800">{session.operator}</span>
            </span>
            {session.role === 'read_only' && (
              <span
                title="This operator can look at everything but cancel nothing."
                className="-ml-1.5 inline-flex items-center rounded-full bg-amber-50 px-2 py-0.5 text-[11px] font-semibold text-amber-800 ring-1 ring-amber-600/30 ring-inset"
              >
                Read-only
              </span>
            )}
            <Button size="sm" variant="ghost" onClick={onLogout} disabled={loggingOut}>
              <LogOutIcon className="size-3.5" />
              {loggingOut ? 'Logging out…' : 'Log out'}
            </Button>
          </div>
        </div>
        <div aria-hidden="true" className={cn('h-0.5 overflow-hidden', busy ? 'bg-sky-100' : 'bg-transparent')}>
          {busy && <div className="h-full w-1/3 animate-[progress_1.2s_ease-in-out_infinite] bg-sky-500 motion-reduce:animate-none" />}
        </div>
      </header>
      <main id="main" className="mx-auto max-w-[1440px] px-4 py-6 sm:px-6">
        {children}
      </main>
    </div>
  );
}
