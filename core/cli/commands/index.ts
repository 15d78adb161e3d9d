import type { Command } from '../command.js';
import { infoCommand } from './info.js';
import { listCommand } from './list.js';
import { webCommand } from './web.js';
import { captureCommand } from './capture.js';
import {
  exportCommand,
  gifsCommand,
  hashCommand,
  hashsetCommand,
  reportCommand,
  sigCommand,
} from './forensic.js';
import {
  convCommand,
  credentialsCommand,
  endpointsCommand,
  expertCommand,
  followCommand,
  hostsCommand,
  phsCommand,
  tlsCommand,
} from './stats.js';

/** Every sub-command; each lives in its own module beside this one. */
export const commands: Command[] = [
  infoCommand,
  listCommand,
  followCommand,
  convCommand,
  endpointsCommand,
  phsCommand,
  hostsCommand,
  expertCommand,
  tlsCommand,
  credentialsCommand,
  gifsCommand,
  exportCommand,
  hashCommand,
  hashsetCommand,
  sigCommand,
  reportCommand,
  captureCommand,
  webCommand,
];
