export {
  openCapture,
  CaptureError,
  parseNameRecords,
  type CaptureFile,
  type NameRecord,
  type OpenOptions,
} from './reader.js';
export { PacketIndex } from './packet-index.js';
export { LINKTYPE, linkTypeName, wtapEncap, type WtapEncap } from './linktypes.js';
export { maxPacketFor } from './scan.js';
export { sha256File } from './sha256.js';
export { headerWalk } from './headerwalk.js';
export { tlsKeyLog, userKeyLog, KEYLOG_ENV } from './secrets.js';
export {
  writePcap,
  writePcapng,
  PcapStreamWriter,
  PcapngStreamWriter,
  type ByteSink,
  type PcapngSection,
  type WritePacket,
  type PcapOptions,
  type PcapngOptions,
  type PcapngInterface,
} from './writer.js';
export {
  exportPackets,
  checkExportTarget,
  parsePacketRange,
  provenanceComment,
  ExportError,
  type ExportFormat,
  type ExportPacketsOptions,
  type ExportPacketsResult,
} from './export-packets.js';
