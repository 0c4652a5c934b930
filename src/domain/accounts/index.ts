/** Accounts and their API keys: scopes, creation, expiry, revocation, authentication. */
export { accountFairnessWeight, createAccount, ensureDefaultAccount, EMBEDDED_KEY_NAME, listAccounts, requireAccount, updateAccount } from './accounts.js';
export { authenticateApiKey, createApiKey, createOwnApiKey, generateApiKey, hashApiKey, keyPrefix, listApiKeys, revokeApiKey, type ApiKeyView, type AuthResult } from './api-keys.js';
export { SCOPES, scopeAllows, type Scope } from '../../shared/key-scopes.js';
export { createWebSession, deleteWebSession, resolveWebSession, WEB_SESSION_HOURS, type WebSession } from './web-sessions.js';
