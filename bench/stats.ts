/** Small figures helpers shared by bench/run.ts and bench/peers.ts. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${Math.round(r / 1e3)} k`;
}
