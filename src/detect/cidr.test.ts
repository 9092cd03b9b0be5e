import { DuckDBInstance, listValue } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSql } from '../store/database.js';
import { cidrPrefix, ipBits } from './cidr.js';

const b8 = (n: number) => n.toString(2).padStart(8, '0');

describe('cidr', () => {
  it('turns addresses into bits the way people read them', () => {
    expect(ipBits('10.1.255.0')).toBe('4' + b8(10) + b8(1) + b8(255) + b8(0));
    expect(ipBits('::ffff:10.1.255.0')).toBe(ipBits('10.1.255.0'));
    expect(ipBits('2001:db8::1')).toBe('6' + '0010000000000001' + '0000110110111000' + '0'.repeat(16 * 5) + '0000000000000001');
    expect(ipBits('::1')).toBe('6' + '0'.repeat(127) + '1');
    expect(ipBits('fe80::1%eth0')).toBe('6' + '1111111010000000' + '0'.repeat(16 * 6) + '0'.repeat(15) + '1');
    expect(ipBits('not-an-ip')).toBeUndefined();
    expect(ipBits('300.1.1.1')).toBeUndefined();
  });

  it('cuts ranges after their prefix length', () => {
    expect(cidrPrefix('10.0.0.0/8')).toBe('4' + b8(10));
    expect(cidrPrefix('192.0.2.7')).toBe(ipBits('192.0.2.7'));
    expect(cidrPrefix('2001:db8::/32')).toBe('6' + '0010000000000001' + '0000110110111000');
    expect(cidrPrefix('0.0.0.0/0')).toBe('4');
    expect(cidrPrefix('10.0.0.0/33')).toBeUndefined();
    expect(cidrPrefix('10.0.0.0/8/1')).toBeUndefined();
  });

  it('agrees with the SQL side (kt_ip_bits, kt_ip_in, kt_is_private_ip)', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    for (const s of splitSql(readFileSync(join(import.meta.dirname, 'prelude.sql'), 'utf8'))) await c.run(s);
    const addrs = ['10.1.255.0', '203.0.113.9', '::ffff:192.168.1.1', '2001:db8::1', '::1', 'fe80::1%eth0', '2001:0db8:0000:0000:0000:ff00:0042:8329', 'junk'];
    const rows = (await c.runAndReadAll(`SELECT a, kt_ip_bits(a) FROM unnest($l) t(a)`, { l: listValue(addrs) })).getRows();
    for (const [a, bits] of rows) expect(bits ?? undefined, String(a)).toBe(ipBits(String(a)));
    const inRange = async (ip: string, cidrs: string[]) =>
      (await c.runAndReadAll(`SELECT kt_ip_in(kt_ip_bits($ip), $p)`, { ip, p: listValue(cidrs.map((x) => cidrPrefix(x)!)) })).getRows()[0]![0];
    expect(await inRange('10.200.3.4', ['10.0.0.0/8'])).toBe(true);
    expect(await inRange('11.0.0.1', ['10.0.0.0/8', '192.168.0.0/16'])).toBe(false);
    expect(await inRange('2001:db8:aa::1', ['2001:db8::/32'])).toBe(true);
    expect(await inRange('10.0.0.1', ['2001:db8::/32'])).toBe(false);
    const priv = (await c.runAndReadAll(`SELECT a, kt_is_private_ip(a) FROM unnest(['10.0.0.1', '172.16.5.4', '172.32.0.1', '192.168.0.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '8.8.8.8', 'fd12:3456::1', 'fe80::1', '2001:db8::1', '::1']) t(a)`)).getRows();
    expect(Object.fromEntries(priv.map(([a, p]) => [String(a), p]))).toEqual({
      '10.0.0.1': true, '172.16.5.4': true, '172.32.0.1': false, '192.168.0.1': true, '100.64.0.1': true, '127.0.0.1': true,
      '169.254.169.254': true, '8.8.8.8': false, 'fd12:3456::1': true, 'fe80::1': true, '2001:db8::1': false, '::1': true,
    });
    c.closeSync();
    inst.closeSync();
  });
});
