import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('CSV cells', () => {
  it('quotes a field holding a comma, a quote or a line break, doubling its quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('turns a text a spreadsheet would run as a formula into text, and leaves numbers numbers', () => {
    expect(['=1+1', '+31 20 555', '-2', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'=1+1", "'+31 20 555", "'-2", "'@SUM(A1)", "'\tx"]);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect([-30, 0, 1250, true, null, undefined].map(csvCell)).toEqual(['-30', '0', '1250', 'true', '', '']);
  });

  it('writes a header row and CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], [null, 'y,z']])).toBe('a,b\r\n1,x\r\n,"y,z"\r\n');
    expect(toCsv(['a'], [])).toBe('a\r\n');
  });
});
