import { useId, useState, type FormEvent } from 'react';
import type { Session } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { AlertTriangleIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { isApiError } from '#src/lib/api-client.ts';
import { useLogin } from '#src/features/auth/api/login.ts';

function loginErrorMessage(error: Error): string {
  if (isApiError(error) && error.status === 401) return error.message || 'That operator token is not valid.';
  if (isApiError(error) && (error.status === 0 || error.status >= 500)) {
    return `Can't reach the Uploads Console server. ${error.message}`;
  }
  return error.message;
}

export function LoginForm({ onSuccess }: { onSuccess: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [missing, setMissing] = useState(false);
  const tokenId = useId();
  const errorId = useId();
  const hintId = useId();
  const loginMutation = useLogin({ mutationConfig: { onSuccess: (session) => onSuccess(session) } });
  const message = missing ? 'Enter the operator token.' : loginMutation.error ? loginErrorMessage(loginMutation.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (loginMutation.isPending) return;
    setMissing(trimmed === '');
    if (trimmed !== '') loginMutation.mutate({ token: trimmed });
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <div className="space-y-1.5">
        <label htmlFor={tokenId} className="block text-[13px] font-medium text-slate-800">
          Operator token
        </label>
        <input
          id={tokenId}
          name="token"
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          spellCheck={false}
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
            setMissing(false);
          }}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${errorId} ${hintId}` : hintId}
          className="block h-9 w-full rounded-md border border-slate-300 bg-white px-3 font-mono text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-sky-600 focus:ring-2 focus:ring-sky-600/20 focus:outline-none aria-invalid:border-rose-400"
        />
        <p id={hintId} className="text-xs text-slate-500">
          Or open the sign-in link (<span className="font-mono">/?token=…</span>) the server printed at start-up.
        </p>
      </div>
      {message && (
        <p id={errorId} role="alert" className="flex items-start gap-2 rounded-md bg-rose-50 px-3 py-2 text-[13px] text-rose-800">
          <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-rose-600" />
          {message}
        </p>
      )}
      <Button type="submit" variant="primary" className="w-full" disabled={loginMutation.isPending}>
        {loginMutation.isPending && <SpinnerIcon className="size-4" />}
        {loginMutation.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
