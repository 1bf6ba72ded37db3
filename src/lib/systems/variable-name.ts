/** Names a block may reference as $NAME / ${NAME} and the systems configuration may declare; the POSIX shell rule. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
