import type { z } from 'zod';
import { issuesText, type Reader } from './refusal-text.js';

/** How the console's routes read a form: one way for every area. */

/** A text field, trimmed; '' when missing or a file. */
export const formText = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A text field as typed (Markdown, pasted files: their whitespace matters); '' when missing or a file. */
export const formTextAsTyped = (v: unknown) => (typeof v === 'string' ? v : '');

/** A number field: empty means "not given", anything else goes to the API's schema as a number. */
export const numberField = (v: string) => (v === '' ? undefined : Number(v));

/** A refused form's problems in one line, in the page's language (src/web/refusal-text.ts). */
export const formIssues = (c: Reader, error: { issues: readonly z.core.$ZodIssue[] }) => issuesText(c, error.issues);
