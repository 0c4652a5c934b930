/** How the console's routes read a form: one way for every area. */

/** A text field, trimmed; '' when missing or a file. */
export const formText = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A text field as typed (Markdown, pasted files: their whitespace matters); '' when missing or a file. */
export const formTextAsTyped = (v: unknown) => (typeof v === 'string' ? v : '');

/** A number field: empty means "not given", anything else goes to the API's schema as a number. */
export const numberField = (v: string) => (v === '' ? undefined : Number(v));

/** A refused form's problems in one line, as the API's schemas word them. */
export const formIssues = (error: { issues: { message: string }[] }) => error.issues.map((i) => i.message).join('; ');
