import { ConflictError, ForbiddenError } from '../../core/errors';
import type { Role } from '../../db/schema/core';
import type { Principal } from '../principal';

/**
 * Admins manage the team, but only an owner may make someone an owner or change or remove an
 * owner, and the last owner cannot be demoted or removed (the organization would be unmanageable).
 *
 * @example
 * assertMayChange(admin, { role: 'owner' }, 'viewer', 2); // ForbiddenError: only an owner may change an owner
 */
export function assertMayChange(
  actor: Principal,
  target: { readonly role: Role },
  newRole: Role | 'removed',
  owners: number,
): void {
  const touchesOwner = target.role === 'owner' || newRole === 'owner';
  if (touchesOwner && actor.role !== 'owner')
    throw new ForbiddenError('only an owner may grant, change or remove the owner role');
  if (target.role === 'owner' && newRole !== 'owner' && owners <= 1) {
    throw new ConflictError('the organization needs at least one owner');
  }
}
