import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, readJson, type AppSummary } from '../api/readApi';
import { redeemTicketFromLocation } from '../api/signInTicket';

interface Props {
  onSignedIn(key: string, apps: AppSummary[]): void;
  /** Why the last session ended (signed out, key no longer valid). */
  notice?: string;
}

/** What to tell someone whose key was refused. */
function refusal(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) {
      return "That key was not accepted. Use the app's secret key (sk_…, printed by `headcount apps create` or `headcount apps rotate`) or the HEADCOUNT_ADMIN_TOKEN.";
    }
    if (err.status === 429) return 'Too many refused keys from this address: wait a few seconds, then try again.';
    return err.message;
  }
  return 'Sign-in failed: the collector did not answer.';
}

/** Signs in with a secret key or the admin token, checked against GET /v1/apps; the key stays in memory only. */
export function SignIn({ onSignedIn, notice }: Props) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function signIn(key: string) {
    setBusy(true);
    setError(undefined);
    try {
      const { apps } = await readJson<{ apps: AppSummary[] }>({ key }, '/v1/apps');
      if (apps.length === 0) throw new ApiError(404, 'no_apps', 'There is no app yet: create one with `headcount apps create NAME`.');
      onSignedIn(key, apps);
    } catch (err) {
      setError(refusal(err));
      setBusy(false);
      input.current?.focus();
    }
  }

  useEffect(() => {
    let cancelled = false;
    void redeemTicketFromLocation().then((key) => {
      if (key && !cancelled) void signIn(key);
    });
    return () => {
      cancelled = true;
    };
    // Once, on arrival: the ticket is single-use.
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const key = new FormData(event.currentTarget).get('key');
    if (typeof key === 'string' && key.trim()) void signIn(key.trim());
    else setError('Enter a secret key or the admin token.');
  }

  return (
    <main className="sign-in">
      <h1>Headcount</h1>
      <form onSubmit={submit} aria-describedby="sign-in-note">
        <label htmlFor="key">Secret key or admin token</label>
        <input ref={input} id="key" name="key" type="password" autoComplete="off" spellCheck={false} autoFocus required
          aria-invalid={error ? true : undefined} aria-errormessage={error ? 'sign-in-error' : undefined} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {error && <p id="sign-in-error" className="error" role="alert">{error}</p>}
        {notice && !error && <p className="notice" role="status">{notice}</p>}
        <p id="sign-in-note" className="hint">
          The key is kept in this tab's memory only: reloading or signing out forgets it.
        </p>
      </form>
    </main>
  );
}
