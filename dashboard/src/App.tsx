import { lazy } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider } from 'react-router-dom';
import { SessionProvider, useSession } from './auth/SessionProvider';
import { RouteError } from './components/RouteError';
import { ErrorState, Loading } from './components/States';
import { AppShell } from './layout/AppShell';
import { SitesProvider } from './state/SitesProvider';
import { AcceptInvitation } from './views/AcceptInvitation';
import { SignIn } from './views/SignIn';

// One chunk per view, loaded when it opens: the first visit downloads only the shell.
const view = <K extends string>(load: () => Promise<Record<K, () => JSX.Element>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const Overview = view(() => import('./views/Overview'), 'Overview');
const Realtime = view(() => import('./views/Realtime'), 'Realtime');
const Pages = view(() => import('./views/Pages'), 'Pages');
const Sources = view(() => import('./views/Sources'), 'Sources');
const Geography = view(() => import('./views/Geography'), 'Geography');
const Devices = view(() => import('./views/Devices'), 'Devices');
const Attribution = view(() => import('./views/Attribution'), 'Attribution');
const Funnels = view(() => import('./views/Funnels'), 'Funnels');
const Retention = view(() => import('./views/Retention'), 'Retention');
const Visitors = view(() => import('./views/Visitors'), 'Visitors');
const Person = view(() => import('./views/Person'), 'Person');
const PossibleMatches = view(() => import('./views/PossibleMatches'), 'PossibleMatches');
const Companies = view(() => import('./views/Companies'), 'Companies');
const Company = view(() => import('./views/Company'), 'Company');
const Sites = view(() => import('./views/Sites'), 'Sites');
const Team = view(() => import('./views/Team'), 'Team');
const Settings = view(() => import('./views/Settings'), 'Settings');

function SignedIn() {
  const { status, error, refresh } = useSession();
  if (status === 'loading') return <Loading label="Starting…" />;
  if (status === 'error')
    return <ErrorState error={new Error(error ?? 'the API did not answer')} onRetry={() => void refresh()} />;
  if (status === 'signed-out') return <SignIn />;
  return (
    <SitesProvider>
      <Outlet />
    </SitesProvider>
  );
}

const router = createBrowserRouter([
  { path: '/accept-invitation', element: <AcceptInvitation /> },
  {
    element: <SignedIn />,
    children: [
      {
        element: <AppShell />,
        children: [
          {
            // A view that fails to load or render shows an error inside the shell, never a blank page.
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Overview /> },
              { path: 'realtime', element: <Realtime /> },
              { path: 'pages', element: <Pages /> },
              { path: 'sources', element: <Sources /> },
              { path: 'geography', element: <Geography /> },
              { path: 'devices', element: <Devices /> },
              { path: 'attribution', element: <Attribution /> },
              { path: 'funnels', element: <Funnels /> },
              { path: 'retention', element: <Retention /> },
              { path: 'visitors', element: <Visitors /> },
              { path: 'visitors/:personId', element: <Person /> },
              { path: 'possible-matches', element: <PossibleMatches /> },
              { path: 'companies', element: <Companies /> },
              { path: 'companies/:companyId', element: <Company /> },
              { path: 'sites', element: <Sites /> },
              { path: 'team', element: <Team /> },
              { path: 'settings', element: <Settings /> },
              { path: '*', element: <Navigate to="/" replace /> },
            ],
          },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
