/**
 * Length + CRC framing for append-only journals. A frame is
 *
 *   u32le payloadLength | u32le crc32(payload) | payload (UTF-8 JSON)
 *
 * A write torn by kill -9 or a power cut leaves at most one incomplete or corrupt frame at the
 * end of the file; {@link readFrames} stops there and reports the offset of the last good byte, so
 * the caller truncates the torn tail before appending again.
 */
import { crc32 } from 'node:zlib';

export const FRAME_HEADER = 8;
/** Far above any real record; a larger length is treated as corruption. */
export const MAX_FRAME = 64 * 1024 * 1024;

export function encodeFrame(record: unknown): Buffer {
  return encodeFrames([record]);
}

/** The frames of several records, back to back in one buffer (the JSON is written into it directly). */
export function encodeFrames(records: readonly unknown[]): Buffer {
  const texts = records.map((r) => JSON.stringify(r));
  let total = 0;
  const lengths = texts.map((t) => {
    const n = Buffer.byteLength(t, 'utf8');
    total += FRAME_HEADER + n;
    return n;
  });
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (let i = 0; i < texts.length; i++) {
    const len = lengths[i]!;
    const start = off + FRAME_HEADER;
    buf.write(texts[i]!, start, len, 'utf8');
    buf.writeUInt32LE(len, off);
    buf.writeUInt32LE(crc32(buf.subarray(start, start + len)), off + 4);
    off = start + len;
  }
  return buf;
}

export interface FrameScan {
  records: unknown[];
  /** Bytes of intact frames from the start; everything after this is a torn or corrupt tail. */
  goodLength: number;
  /** Whether bytes after goodLength had to be ignored. */
  torn: boolean;
}

export function readFrames(buf: Buffer): FrameScan {
  const records: unknown[] = [];
  let off = 0;
  while (off + FRAME_HEADER <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    if (len > MAX_FRAME || off + FRAME_HEADER + len > buf.length) break;
    const payload = buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len);
    if (crc32(payload) !== sum) break;
    let rec: unknown;
    try {
      rec = JSON.parse(payload.toString('utf8'));
    } catch {
      break;
    }
    records.push(rec);
    off += FRAME_HEADER + len;
  }
  return { records, goodLength: off, torn: off !== buf.length };
}
