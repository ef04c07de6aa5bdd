import { describe, expect, it } from 'vitest';
import { formatBytes, formatExactBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '1 KB'],
    [1536, '1.5 KB'],
    [12_400_000, '12.4 MB'],
    [134_217_728, '134 MB'],
    [2_147_483_648, '2.1 GB'],
    [8_000_000_000, '8 GB'],
    [999_960, '1 MB'],
    [999_400_000, '999 MB'],
    [999_500_000, '1 GB'],
    [99_960, '100 KB'],
    [1.5e15, '1.5 PB'],
    [4e18, '4,000 PB'],
  ])('%d bytes reads %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('refuses nonsense instead of printing NaN', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatExactBytes', () => {
  it('groups digits and agrees in number', () => {
    expect(formatExactBytes(2_147_483_648)).toBe('2,147,483,648 bytes');
    expect(formatExactBytes(1)).toBe('1 byte');
  });
});
