import type { z } from 'zod';
import type { Scope } from '../shared/key-scopes.js';

/** Error codes by status, e.g. `{ 409: ['TASK_ALREADY_FINISHED'] }`. */
export type ErrorCodes = Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 429 | 503, string[]>>;

/** One documented operation of a route module, with paths relative to where the module is mounted. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  /** Takes a file as multipart/form-data (field `file`, optional `title`), or the JSON body given here. */
  upload?: { json?: z.ZodType };
  query?: z.ZodType;
  /** The success status; 200 unless given. */
  status?: number;
  /** The success body (JSON); none for 204 and for the media types below. */
  response?: z.ZodType;
  /** Answers this instead of JSON; a file download whose type follows its format lists each one it may answer. */
  mediaType?: 'text/event-stream' | 'text/html' | string[];
  /** The body of a media type above that is JSON (a download's `format=json`); the others are documents (strings). */
  mediaBodies?: Record<string, z.ZodType>;
  /** The largest value of the path's ids: PostgreSQL integers unless the ids are bigints (notifications). */
  pathIdMaximum?: number;
  /** The errors of this operation beyond those every route shares (see `sharedErrors`). */
  errors?: ErrorCodes;
  /** Parameters no zod schema describes (headers, hand-parsed query values). */
  parameters?: Record<string, unknown>[];
  /** Other non-error answers: status -> description and JSON body, if any. */
  otherResponses?: Record<number, { description: string; body?: z.ZodType }>;
  /** The key scope it needs when not the default (read for GET, write otherwise): account admin routes say admin, global ones operator. */
  scope?: Scope;
  /** Kept answering for older clients; the document marks it deprecated and names what replaces it in the summary. */
  deprecated?: boolean;
}

/** A route module as mounted in api/index.ts, with its operations: the document is built from these. */
export interface ApiMount {
  base: string;
  tag: string;
  operations: ApiOperation[];
  /** Needs no API key. */
  open?: boolean;
}
