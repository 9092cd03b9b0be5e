/**
 * Address ranges as bit prefixes, the form the SQL side compares against (`kt_ip_bits` in prelude.sql
 * turns an address into '4' or '6' followed by its 32 or 128 bits; a range is the same string cut after
 * the family and prefix-length bits). Ranges come from the job file, so they are converted once here
 * instead of once per event in SQL.
 */
import { isIP } from 'node:net';

/** "10.0.0.0/8" -> "4" + first 8 bits; one address is its full-length range. Undefined if not a range. */
export function cidrPrefix(cidr: string): string | undefined {
  const [addr, len, ...rest] = cidr.trim().split('/');
  if (rest.length || !addr) return undefined;
  const bits = ipBits(addr);
  if (!bits) return undefined;
  const max = bits.length - 1;
  if (len === undefined) return bits;
  if (!/^\d+$/.test(len) || Number(len) > max) return undefined;
  return bits.slice(0, 1 + Number(len));
}

/** "4" or "6" and the address's bits; IPv4-mapped IPv6 addresses read as IPv4. */
export function ipBits(ip: string): string | undefined {
  const a = ip.trim().split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return ipBits(mapped[1]!);
  const v = isIP(a);
  if (v === 4) return '4' + a.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  if (v !== 6) return undefined;
  let text = a.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return '6' + groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}
