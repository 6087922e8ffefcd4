import { AuthError } from '../errors.js';
import type { Agent } from './agent-auth.js';

/** Which claims say who the agent is (configurable: providers name them differently). */
export interface ClaimMapping {
  /** e.g. `sub`, `email`, `uid`. */
  id: string;
  /** One claim, or several joined with spaces (ProConnect: `given_name,usual_name`). */
  name: string[];
  /** A dotted path allowed (Keycloak: `realm_access.roles`); a string or a list of strings. */
  role: string;
  /** The role value that makes an admin; anything else is an agent. */
  adminValue: string;
}

function at(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.prototype.hasOwnProperty.call(value, key) ? Reflect.get(value, key) : undefined;
  }
  return value;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Claims → Agent. A missing or overlong id refuses the sign-in; a missing name falls back to the id. */
export function mapClaims(claims: Record<string, unknown>, mapping: ClaimMapping): Agent {
  const id = text(at(claims, mapping.id));
  if (!id || id.length > 128) throw new AuthError(`the provider sent no usable "${mapping.id}" claim`);
  const parts = mapping.name
    .map((path) => text(at(claims, path)))
    .filter((p): p is string => p !== undefined);
  const name = (parts.join(' ') || id).slice(0, 128);
  const role = at(claims, mapping.role);
  const values = Array.isArray(role) ? role : [role];
  const admin = values.some((v) => v === mapping.adminValue);
  return { id, name, role: admin ? 'admin' : 'agent' };
}
