import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { Session } from '#contract/dashboard-api.ts';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { Button } from '#src/components/ui/button.tsx';
import { LogOutIcon, MenuIcon, UserIcon, XIcon } from '#src/components/ui/icons.tsx';
import { ThemeToggle } from '#src/components/ui/theme-toggle.tsx';

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
      <path d="M12 17V8m0 0-3.5 3.5M12 8l3.5 3.5" className="stroke-white" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

// In the phone menu the links are full-width rows; from md up they sit in the header bar.
const NAV_LINK =
  'relative flex h-11 items-center rounded-md px-3 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-sky-600 md:inline-flex md:h-14 md:rounded-sm md:px-1 md:text-[13px]';

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
          ? 'bg-slate-100 text-slate-900 md:bg-transparent md:after:absolute md:after:inset-x-0 md:after:bottom-0 md:after:h-0.5 md:after:rounded-full md:after:bg-slate-900'
          : 'text-slate-600 hover:text-slate-900 md:text-slate-500',
      )}
    >
      {children}
    </Link>
  );
}

const isUploadsSection = (pathname: string) => pathname === paths.uploads.path || pathname.startsWith('/uploads/');
const isAuditSection = (pathname: string) => pathname === paths.audit.path || pathname.startsWith(`${paths.audit.path}/`);

/**
 * The menu of a narrow screen: open until the operator picks something, presses Escape or taps
 * elsewhere. From md up the same elements sit in the header bar and the button is gone.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const { pathname, search } = useLocation();
  const [at, setAt] = useState(pathname + search);
  // Going somewhere closes it (a link in it, Back).
  if (at !== pathname + search) {
    setAt(pathname + search);
    setOpen(false);
  }
  const headerRef = useRef<HTMLElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!headerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  return { open, setOpen, headerRef, buttonRef };
}

/** The frame around every signed-in page. Knows nothing of where the session comes from. */
export function Shell({ session, onLogout, loggingOut, busy, children }: ShellProps) {
  const upstream = UPSTREAM[session.upstream];
  const { open: menuOpen, setOpen: setMenuOpen, headerRef, buttonRef } = useMenu();
  const menuId = useId();
  return (
    <div className="min-h-dvh bg-slate-50">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header ref={headerRef} className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-[1440px] items-center gap-3 px-4 sm:px-6">
          <Link
            to={paths.uploads.getHref()}
            className="flex min-w-0 items-center gap-2 rounded-sm text-[15px] font-semibold tracking-tight whitespace-nowrap text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-sky-600"
          >
            <Logo />
            Uploads Console
          </Link>
          <span
            title={upstream.hint}
            className={cn('inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-[11px] font-semibold ring-1 ring-inset', upstream.className)}
          >
            <span className="sr-only">Upstream: </span>
            <span>{upstream.label}</span>
          </span>
          <button
            ref={buttonRef}
            type="button"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen(!menuOpen)}
            className="ml-auto inline-flex size-10 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600 md:hidden"
          >
            {menuOpen ? <XIcon className="size-5" /> : <MenuIcon className="size-5" />}
            <span className="sr-only">Menu</span>
          </button>
          {/* One set of elements for both layouts: `contents` lays them into the bar from md up. */}
          <div
            id={menuId}
            className={cn(
              menuOpen
                ? 'absolute inset-x-0 top-full flex max-h-[calc(100dvh-3.5rem)] flex-col gap-4 overflow-y-auto border-b border-slate-200 bg-white px-4 pt-3 pb-4 shadow-lg'
                : 'hidden',
              'md:contents',
            )}
          >
            <nav aria-label="Main" className="flex flex-col gap-1 md:ml-3 md:flex-row md:items-center md:gap-5 md:border-l md:border-slate-200 md:pl-5">
              <NavItem to={paths.uploads.getHref()} section={isUploadsSection}>
                Uploads
              </NavItem>
              <NavItem to={paths.audit.getHref()} section={isAuditSection}>
                Audit
              </NavItem>
              <NavItem to={paths.policies.getHref()} section={(pathname) => pathname === paths.policies.path}>
                Policies
              </NavItem>
            </nav>
            <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4 md:ml-auto md:flex-nowrap md:border-0 md:pt-0">
              <span className="inline-flex items-center gap-1.5 text-[13px] text-slate-600">
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
              <ThemeToggle className="ml-auto md:ml-0" />
              <Button size="sm" variant="ghost" onClick={onLogout} disabled={loggingOut} className="max-md:h-9">
                <LogOutIcon className="size-3.5" />
                {loggingOut ? 'Logging out…' : 'Log out'}
              </Button>
            </div>
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
