import type { ReactNode } from 'react';
import type { Role } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Empty } from './States';

/** Shows `children` to members with `role` or more; others are told which role it needs. */
export function RoleGate({ needs, children }: { needs: Role; children: ReactNode }) {
  const can = useCan(needs);
  if (!can) return <Empty title={`This needs the ${needs} role`}>Ask an admin of your organization.</Empty>;
  return <>{children}</>;
}
