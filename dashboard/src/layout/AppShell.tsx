import { Suspense, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import type { Role } from '../api/types';
import { grants, useSession } from '../auth/SessionProvider';
import { Loading } from '../components/States';
import { Toolbar } from './Toolbar';

interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly role?: Role;
  /** Reports take the date range; management views do not. */
  readonly ranged?: boolean;
}

const SECTIONS: readonly { readonly title: string; readonly items: readonly NavItem[] }[] = [
  {
    title: 'Reports',
    items: [
      { to: '/', label: 'Overview', ranged: true },
      { to: '/realtime', label: 'Realtime' },
      { to: '/pages', label: 'Pages', ranged: true },
      { to: '/sources', label: 'Sources', ranged: true },
      { to: '/attribution', label: 'Attribution', ranged: true },
      { to: '/geography', label: 'Geography', ranged: true },
      { to: '/devices', label: 'Devices', ranged: true },
      { to: '/funnels', label: 'Funnels', ranged: true },
      { to: '/retention', label: 'Retention', ranged: true },
    ],
  },
  {
    title: 'People',
    items: [
      { to: '/visitors', label: 'Visitors', role: 'analyst' },
      { to: '/possible-matches', label: 'Possible matches', role: 'analyst' },
      { to: '/companies', label: 'Companies', role: 'analyst' },
    ],
  },
  {
    title: 'Manage',
    items: [
      { to: '/sites', label: 'Sites' },
      { to: '/team', label: 'Team', role: 'admin' },
      { to: '/settings', label: 'Settings' },
    ],
  },
];

function Item({ item, search, onNavigate }: { item: NavItem; search: string; onNavigate: () => void }) {
  return (
    <li>
      <NavLink to={{ pathname: item.to, search }} end={item.to === '/'} onClick={onNavigate}>
        {item.label}
      </NavLink>
    </li>
  );
}

/** The frame around every signed-in view: navigation (a drawer on phones), site and range pickers. */
export function AppShell() {
  const { session, signOut } = useSession();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const keep = new URLSearchParams(location.search);
  for (const key of [...keep.keys()]) if (!['site', 'period', 'from', 'to'].includes(key)) keep.delete(key);
  const search = keep.toString() ? `?${keep}` : '';
  const current = SECTIONS.flatMap((s) => s.items).find((i) =>
    i.to === '/' ? location.pathname === '/' : location.pathname.startsWith(i.to),
  );

  return (
    <div className={open ? 'shell nav-open' : 'shell'}>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-label="Menu"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          ☰
        </button>
        <span className="brand">Sightline</span>
        <span className="org muted">{session?.organization.name}</span>
        <span className="spacer" />
        <span className="who muted" title={session?.user.email}>
          {session?.user.email} · {session?.user.role}
        </span>
        <button type="button" className="button subtle" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        {SECTIONS.map((section) => {
          // Only what the role may open; a section with nothing left is not shown.
          const items = section.items.filter((item) => grants(session?.user.role, item.role ?? 'viewer'));
          return items.length === 0 ? null : (
            <div key={section.title} className="nav-section">
              <div className="nav-title">{section.title}</div>
              <ul>
                {items.map((item) => (
                  <Item key={item.to} item={item} search={search} onNavigate={() => setOpen(false)} />
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <main className="content">
        <Toolbar showRange={current?.ranged ?? false} />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
