export { openCapture, CaptureError, type CaptureFile, type OpenOptions } from './reader.js';
export { PacketIndex } from './packet-index.js';
export { LINKTYPE, linkTypeName, wtapEncap, type WtapEncap } from './linktypes.js';
export { maxPacketFor } from './scan.js';
export { sha256File } from './sha256.js';
export { headerWalk } from './headerwalk.js';
export {
  writePcap,
  writePcapng,
  type WritePacket,
  type PcapOptions,
  type PcapngOptions,
  type PcapngInterface,
} from './writer.js';
