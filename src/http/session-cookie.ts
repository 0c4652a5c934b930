/** The console's session cookie: the console sets it, the codec endpoint accepts it for a signed-in operator. */
export const SESSION_COOKIE = 'artgen_session';
