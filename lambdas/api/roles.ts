import type { Role } from '../db/schema/core';

/** Every role, least privileged first. */
export const ROLES = ['viewer', 'analyst', 'admin', 'owner'] as const satisfies readonly Role[];

/**
 * Who may call a route: `public` needs no sign-in; a role means that role or a more privileged one.
 *
 * - `viewer`: reports (overview, realtime, pages, sources, geography, devices, funnels, retention), sites
 * - `analyst`: also persons and companies (personal data)
 * - `admin`: also creating and changing sites, keys, settings, and the team (but not owners); erasing
 *   and exporting a person (GDPR erasure and access)
 * - `owner`: also deleting sites and granting or removing the owner role
 */
export type Access = 'public' | Role;

/**
 * Whether `role` grants at least `required`.
 *
 * @example
 * hasRole('admin', 'analyst'); // true
 * hasRole('viewer', 'admin');  // false
 */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
