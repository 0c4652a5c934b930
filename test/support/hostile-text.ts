/** Text that attacks a spreadsheet or a terminal, shared by the CLI output tests (issue 15, item 14). */

export const FORMULAS = ["=cmd|' /C calc'!A0", '+1+cmd', '-2+3+cmd', '@SUM(1+1)*cmd', '\t=1+1', '\r=1+1'];
/** ESC (a colour and a screen clear), VT, BEL, BS, DEL and the C1 CSI, NEL and OSC. */
export const CONTROLS = 'esc\u001b[31mred\u001b[2J vt\u000b bell\u0007 bs\u0008 del\u007f csi\u009b2J nel\u0085 osc\u009d0;x\u0007 end';
/** What a terminal must never be handed: every C0 control but the line feed, DEL and every C1 control. */
export const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
