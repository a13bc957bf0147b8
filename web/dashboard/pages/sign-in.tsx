import { useState } from 'preact/hooks';
import { ApiError, createApiClient } from '../../shared/api-client.js';
import { apiBasePath, type Session } from '../session.js';
import { ErrorNote } from '../ui.js';

/**
 * Asks for the environment id and its environment key, and checks them with one owner-only call
 * (the key list) before keeping them: a public key or a wrong environment is told so here.
 */
export function SignIn({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const [env, setEnv] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const session = { env: env.trim(), key: key.trim() };
    try {
      await createApiClient({ baseUrl: apiBasePath(), env: session.env, headers: () => ({ 'x-api-key': session.key }) }).call(
        'get',
        '/{env}/keys',
      );
      onSignedIn(session);
    } catch (err) {
      const denied = err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404);
      setError(
        denied
          ? new Error('This key does not open that environment: an environment key (not a public key) of that environment is needed.')
          : (err as Error),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={submit} class="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sinew</h1>
        <p class="muted">Sign in with an environment key. It is kept for this browser tab only, and sign out forgets it.</p>
        <label>
          Environment id
          <input
            name="env"
            autoComplete="username"
            required
            value={env}
            onInput={(e) => setEnv((e.target as HTMLInputElement).value)}
            placeholder="dev.sinew.local"
          />
        </label>
        <label>
          Environment key
          <input
            name="key"
            type="password"
            autoComplete="current-password"
            required
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
