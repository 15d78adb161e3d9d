export { openCapture, CaptureError, type CaptureFile, type OpenOptions } from './reader.js';
export { PacketIndex } from './packet-index.js';
export { LINKTYPE, linkTypeName } from './linktypes.js';
