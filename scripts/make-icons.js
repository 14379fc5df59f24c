#!/usr/bin/env node
// Draws the app icons into appserver/static/ as real PNG files (RGBA, 8 bits), with no image
// library: shapes are rasterised with 4x4 supersampling and written with node:zlib.
//   appIcon.png 36x36, appIcon_2x.png 72x72: a teal rounded square with white "event lines";
//   appIconAlt.png 36x36, appIconAlt_2x.png 72x72: the same lines in white on transparent, for
//   dark backgrounds.
// Run: node scripts/make-icons.js  (the PNGs are committed; packaging copies them).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels (Uint8Array, width*height*4) as a PNG. */
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Signed distance-ish test: is (x, y) inside a rounded rectangle (units: icon fraction 0..1)? */
function inRoundRect(x, y, r) {
  const [x0, y0, x1, y1, rad] = r;
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + rad), x1 - rad);
  const cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
}

const TEAL = [0x12, 0x8c, 0x84];
const WHITE = [0xff, 0xff, 0xff];
// "Event lines": a timestamp block and a message of varying length, like a log stream.
const LINES = [
  { y: 0.27, stamp: 0.16, msg: 0.40 },
  { y: 0.44, stamp: 0.16, msg: 0.28 },
  { y: 0.61, stamp: 0.16, msg: 0.46 },
  { y: 0.78, stamp: 0.16, msg: 0.22 },
];
const BAR_H = 0.09;

function glyphAt(x, y) {
  for (const l of LINES) {
    const y0 = l.y - BAR_H / 2;
    const y1 = l.y + BAR_H / 2;
    if (inRoundRect(x, y, [0.2, y0, 0.2 + l.stamp, y1, BAR_H / 2])) return 0.75; // the timestamp, dimmer
    const mx = 0.2 + l.stamp + 0.05;
    if (inRoundRect(x, y, [mx, y0, mx + l.msg, y1, BAR_H / 2])) return 1;
  }
  return 0;
}

function draw(size, alt) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (pxl + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          const inBg = inRoundRect(x, y, [0.02, 0.02, 0.98, 0.98, 0.2]);
          if (inBg) bg++;
          if (inBg) fg += glyphAt(x, y);
        }
      }
      const n = S * S;
      const a = bg / n;
      const g = fg / n;
      const o = (py * size + pxl) * 4;
      if (alt) {
        // White lines on transparent.
        px.set(WHITE, o);
        px[o + 3] = Math.round(255 * g);
      } else {
        // White lines over teal; the glyph is inside the background, so mix by coverage.
        const t = a > 0 ? g / a : 0;
        for (let c = 0; c < 3; c++) px[o + c] = Math.round(TEAL[c] * (1 - t) + WHITE[c] * t);
        px[o + 3] = Math.round(255 * a);
      }
    }
  }
  return encodePng(size, size, px);
}

const outDir = path.join(__dirname, '..', 'appserver', 'static');
fs.mkdirSync(outDir, { recursive: true });
for (const [name, size, alt] of [
  ['appIcon.png', 36, false],
  ['appIcon_2x.png', 72, false],
  ['appIconAlt.png', 36, true],
  ['appIconAlt_2x.png', 72, true],
]) {
  fs.writeFileSync(path.join(outDir, name), draw(size, alt));
  process.stdout.write(`wrote ${path.join(outDir, name)} (${size}x${size})\n`);
}
