import type { ReactNode } from 'react';
import type { ApiState } from '../hooks/useApi';
import { Empty, ErrorState, Loading } from './States';

/**
 * The loading, error and empty states every view shares around what it shows when there is data.
 *
 * @example
 * <Async state={pages} isEmpty={(p) => p.rows.length === 0} empty="No page views in this range">
 *   {(p) => <BreakdownTable data={p} />}
 * </Async>
 */
export function Async<T>({
  state,
  isEmpty,
  empty,
  emptyHint,
  children,
}: {
  state: ApiState<T>;
  isEmpty?: (data: T) => boolean;
  empty?: string;
  emptyHint?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (state.error && state.data === undefined) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  if (isEmpty?.(state.data)) return <Empty title={empty ?? 'Nothing here yet'}>{emptyHint}</Empty>;
  return <>{children(state.data)}</>;
}
