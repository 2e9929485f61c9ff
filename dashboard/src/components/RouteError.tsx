import { useRouteError } from 'react-router-dom';
import { ErrorState } from './States';

/**
 * What a view shows instead of a blank page when it cannot be shown at all: its code failed to
 * download (a new deployment replaced the file, the network dropped) or it threw while rendering.
 * Trying again reloads the page, which fetches the current files.
 */
export function RouteError() {
  const error = useRouteError();
  const message =
    error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message)
      ? 'This part of the dashboard could not be downloaded.'
      : error instanceof Error
        ? error.message
        : 'This view failed to show.';
  return <ErrorState error={new Error(message)} onRetry={() => window.location.reload()} />;
}
