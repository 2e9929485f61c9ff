import { createContext, type ReactNode, useContext } from 'react';
import type { Site } from '../api/types';
import { type ApiState, useApi } from '../hooks/useApi';

const SitesContext = createContext<ApiState<{ sites: readonly Site[] }> | undefined>(undefined);

/** The organization's sites, read once after sign-in and again when a view changes them. */
export function SitesProvider({ children }: { children: ReactNode }) {
  const sites = useApi<{ sites: readonly Site[] }>('/api/sites');
  return <SitesContext.Provider value={sites}>{children}</SitesContext.Provider>;
}

export function useSites(): ApiState<{ sites: readonly Site[] }> {
  const sites = useContext(SitesContext);
  if (!sites) throw new Error('useSites outside SitesProvider');
  return sites;
}
