// Loaded lazily (see router.tsx); the check that sends a signed-in operator on, in login-gate.tsx, is not.
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ThemeToggle } from '#src/components/ui/theme-toggle.tsx';
import { paths, safeNext } from '#src/config/paths.ts';
import { LoginForm } from '#src/features/auth/components/login-form.tsx';

export function LoginRoute() {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next')) ?? paths.uploads.getHref();

  return (
    <main className="relative flex min-h-dvh items-center justify-center bg-slate-50 px-4 py-16">
      <ThemeToggle className="absolute top-4 right-4" />
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <svg viewBox="0 0 24 24" aria-hidden="true" className="mx-auto mb-3 size-9">
            <rect width="24" height="24" rx="6" className="fill-slate-900" />
            <path d="M12 17V8m0 0-3.5 3.5M12 8l3.5 3.5" className="stroke-white" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h1 className="text-lg font-semibold tracking-tight text-slate-900">Sign in to Uploads Console</h1>
          <p className="mt-1 text-[13px] text-slate-500">Operators only: uploads seen by this proxy and their cancel switch.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
        </div>
      </div>
    </main>
  );
}
