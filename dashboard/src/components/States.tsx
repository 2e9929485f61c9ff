import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  const status = 'status' in error ? (error as ApiError).status : 0;
  const title =
    status === 403 ? 'You do not have access to this' : status === 404 ? 'Not found' : 'Something went wrong';
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <div className="muted">{error.message}</div>
      {onRetry && status !== 403 && status !== 404 ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
