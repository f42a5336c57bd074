/** The terminal's control sequences the full-screen views use. */

/** The alternate screen, as full-screen programs use it (less, vim): entered, cleared. */
export const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';
export const LEAVE_ALT = '\u001b[?1049l';
/** The whole screen cleared, the cursor at its top left. */
export const CLEAR = '\u001b[2J\u001b[H';
export const SHOW_CURSOR = '\u001b[?25h';
export const HIDE_CURSOR = '\u001b[?25l';
