import { useLocation } from 'react-router-dom';

/** What a view leaves for the one it sends the user to: `navigate(to, { state: { notice } })`. */
export interface NoticeState {
  readonly notice: string;
}

function noticeOf(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null || !('notice' in state)) return undefined;
  return typeof state.notice === 'string' ? state.notice : undefined;
}

/**
 * Says what was done on the view the user just left (an erasure, say), which sent them here; gone
 * with the next navigation, since the notice travels in the history entry's state, not the URL.
 *
 * @example
 * navigate('/visitors', { state: { notice: 'Erased person 1b2c3d4e.' } satisfies NoticeState });
 * // on Visitors:
 * <RouteNotice />
 */
export function RouteNotice() {
  const notice = noticeOf(useLocation().state);
  return notice ? (
    <p className="form-ok route-notice" role="status">
      {notice}
    </p>
  ) : null;
}
