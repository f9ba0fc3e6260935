// The REST API's roles, lowest first; each role may do what the ones before it may.

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
