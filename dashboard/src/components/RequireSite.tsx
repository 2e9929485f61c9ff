import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Site } from '../api/types';
import { useSites } from '../state/SitesProvider';
import { useFilters } from '../state/useFilters';
import { Empty, ErrorState, Loading } from './States';

/** Renders a report once a site is chosen; with no site yet, points to where one is created. */
export function RequireSite({ children }: { children: (site: Site) => ReactNode }) {
  const sites = useSites();
  const { site } = useFilters();
  if (sites.error && !sites.data) return <ErrorState error={sites.error} onRetry={sites.reload} />;
  if (!sites.data) return <Loading />;
  if (!site) {
    return (
      <Empty title="No site yet">
        <Link to="/sites">Create a site</Link> and paste its snippet into your pages; visits show up here within
        seconds.
      </Empty>
    );
  }
  return <>{children(site)}</>;
}
