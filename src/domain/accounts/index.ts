/** Accounts and their API keys (scopes, creation, expiry, revocation, authentication), console sessions and the audit trail. */
export { accountFairnessWeight, createAccount, ensureDefaultAccount, EMBEDDED_KEY_NAME, listAccounts, requireAccount, updateAccount } from './accounts.js';
export { authenticateApiKey, createApiKey, createOwnApiKey, generateApiKey, hashApiKey, keyPrefix, listApiKeys, revokeApiKey, type ApiKeyView, type AuthResult } from './api-keys.js';
export { SCOPES, scopeAllows, type Scope } from '../../shared/key-scopes.js';
export { AUDIT_STATUS_CLASSES, listAuditPage, type AuditFilter, type AuditStatusClass } from './audit-pages.js';
export { deleteExpiredAuditEvents, listAuditEvents, recordAuditEvent, recordRefusedAuth, type AuditEventInput, type AuditQuery } from './audit-events.js';
export { createWebSession, deleteWebSession, resolveWebSession, WEB_SESSION_HOURS, type WebSession } from './web-sessions.js';
