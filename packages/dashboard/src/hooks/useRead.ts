import { useContext, useEffect, useState } from 'react';
import { ApiError, readJson } from '../api/readApi';
import { CredentialsContext } from '../state/credentials';

export interface ReadState<T> { data: T | undefined; error: ApiError | undefined; loading: boolean }

/** Reads `path` (null: nothing to read) with the signed-in credentials; a newer path cancels the older read. */
export function useRead<T>(path: string | null): ReadState<T> {
  const credentials = useContext(CredentialsContext);
  const [state, setState] = useState<ReadState<T>>({ data: undefined, error: undefined, loading: path !== null });
  useEffect(() => {
    if (path === null || !credentials) return undefined;
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, error: undefined, loading: true }));
    readJson<T>(credentials, path, controller.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError(0, 'failed', String(err));
        setState({ data: undefined, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [path, credentials]);
  return state;
}
