import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Query } from '../api/client';

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  /** True until the first answer (and while a changed request is under way). */
  readonly loading: boolean;
  reload(): void;
}

/**
 * Reads an API resource, again whenever `path` or `query` change (and every `pollMs` when set);
 * `path` null reads nothing (e.g. before a site is chosen). A stale answer never replaces a newer one.
 *
 * @example
 * const overview = useApi<Overview>(`/api/sites/${siteId}/stats/overview`, range);
 */
export function useApi<T>(path: string | null, query: Query = {}, options: { pollMs?: number } = {}): ApiState<T> {
  const key = path === null ? null : `${path}?${JSON.stringify(query)}`;
  const [state, setState] = useState<{ key: string | null; data?: T; error?: ApiError }>({ key: null });
  const [tick, setTick] = useState(0);
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    if (path === null || key === null) return;
    const controller = new AbortController();
    // `tick` changes on reload and polling; the read itself only needs path and query.
    void tick;
    api<T>(path, { query: queryRef.current, signal: controller.signal })
      .then((data) => setState({ key, data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          key,
          ...(previous.key === key && previous.data !== undefined ? { data: previous.data } : {}),
          error: error instanceof ApiError ? error : new ApiError(String(error), 0, 'network_error'),
        }));
      });
    return () => controller.abort();
  }, [path, key, tick]);

  useEffect(() => {
    if (!options.pollMs || path === null) return;
    const timer = setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => clearInterval(timer);
  }, [options.pollMs, path]);

  // Trying again after an error shows the loading state again (kept data stays), not the old error.
  const reload = useCallback(() => {
    setState((previous) =>
      previous.error
        ? { key: previous.key, ...(previous.data !== undefined ? { data: previous.data } : {}) }
        : previous,
    );
    setTick((t) => t + 1);
  }, []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: path !== null && (!current || (state.data === undefined && state.error === undefined)),
    reload,
  };
}
