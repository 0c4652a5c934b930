/** C0 controls but the line feed, DEL and the C1 controls: what a terminal acts on (ESC, VT, CSI) instead of showing. */
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from the service (keywords, titles, account names, error messages) made fit for a terminal: its
 * control characters are dropped, so stored text cannot move the cursor, recolour or clear the screen,
 * or set the window title. Line feeds stay.
 *
 * @example terminalText('red\u001b[31m!') // 'red[31m!'
 */
export const terminalText = (text: string) => text.replace(TERMINAL_CONTROLS, '');

/** DEL and the C1 controls, which JSON.stringify writes raw (it escapes only C0). */
const RAW_IN_JSON = /[\u007f-\u009f]/g;

/** JSON text with DEL and the C1 controls escaped too: the same value, nothing a terminal acts on. */
export const terminalJson = (json: string) => json.replace(RAW_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
