/**
 * What a key may do: `read` GET only (dashboards, browsers), `write` everything of its account, `admin`
 * also its account's keys, audit and limits (an account admin), `operator` the whole service: accounts,
 * every account's keys, limits and audit, and the codec that decrypts every account's payloads.
 */
export const SCOPES = ['read', 'write', 'admin', 'operator'] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2, operator: 3 };

/** Whether a key of scope `have` may do what needs `need` (scopes are ordered: read < write < admin < operator). */
export const scopeAllows = (have: Scope, need: Scope) => RANK[have] >= RANK[need];
