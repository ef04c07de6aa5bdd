import { useId, useState, type FormEvent } from 'react';
import type { Session } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Field, FormAlert, inputClass } from '#src/components/ui/field.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { isApiError } from '#src/lib/api-client.ts';
import { cn } from '#src/lib/cn.ts';
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
  const errorId = useId();
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
      <Field
        label="Operator token"
        invalid={message !== null}
        describedBy={message !== null && errorId}
        hint={
          <>
            Or open the sign-in link (<span className="font-mono">/?token=…</span>) the server printed at start-up.
          </>
        }
      >
        {(control) => (
          <input
            {...control}
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
            className={cn(inputClass, 'font-mono')}
          />
        )}
      </Field>
      {message && <FormAlert id={errorId}>{message}</FormAlert>}
      <Button type="submit" variant="primary" className="w-full" disabled={loginMutation.isPending}>
        {loginMutation.isPending && <SpinnerIcon className="size-4" />}
        {loginMutation.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
