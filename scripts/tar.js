// A minimal POSIX ustar writer, so the .spl has exactly the entries, modes and names we choose
// (no "./" prefixes, no owner names from the build machine, no extended headers).
'use strict';

const BLOCK = 512;

function octal(n, width) {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name) {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  // ustar: prefix (155) + "/" + name (100), cut at a slash.
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new Error(`path too long for a ustar archive: ${name}`);
}

function header(entry) {
  const h = Buffer.alloc(BLOCK);
  const isDir = entry.type === 'dir';
  const { name, prefix } = splitName(isDir && !entry.name.endsWith('/') ? entry.name + '/' : entry.name);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(isDir ? 0 : entry.data.length, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(entry.mtime), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder
  h.write(isDir ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(octal(0, 8), 329, 8, 'ascii');
  h.write(octal(0, 8), 337, 8, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/**
 * Entries: `{ name, type: 'file' | 'dir', mode, mtime (epoch seconds), data (Buffer, files) }`,
 * in the order given. Returns the uncompressed archive.
 */
function createTar(entries) {
  const parts = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file') {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const record = 20 * BLOCK;
  const tail = (record - (total % record)) % record;
  if (tail) parts.push(Buffer.alloc(tail));
  return Buffer.concat(parts);
}

module.exports = { createTar };
