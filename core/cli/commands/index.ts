import type { Command } from '../command.js';

/** Every sub-command; each lives in its own module beside this one. */
export const commands: Command[] = [];
