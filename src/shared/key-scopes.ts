/** What a key may do: `read` GET only (dashboards, browsers), `write` everything of its account, `admin` also accounts and keys. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };

/** Whether a key of scope `have` may do what needs `need` (scopes are ordered: read < write < admin). */
export const scopeAllows = (have: Scope, need: Scope) => RANK[have] >= RANK[need];
