import { describe, expect, it } from 'vitest';
import { copyText, CopyRow } from '../copyRow';

describe('CopyRow', () => {
  it("escapes COPY's specials and counts what the escapes added, so the stored size is the fields' own", () => {
    const text = 'tab\there, line\nbreak, back\\slash';
    const json = JSON.stringify({ path: 'C:\\dir', quote: '"' });
    const row = new CopyRow().text(text).jsonText(json).text(null).raw('2026-12-02T04:31:07.250Z');
    expect(row.toString()).toBe(`tab\\there, line\\nbreak, back\\\\slash\t${json.replace(/\\/g, '\\\\')}\t\\N\t2026-12-02T04:31:07.250Z`);
    // The text's tab, line break and backslash (3); the JSON text's backslashes (two for C:\dir, one before the quote).
    expect(row.escapes).toBe(6);
    expect(row.toString().length - row.escapes).toBe([text, json, '\\N', '2026-12-02T04:31:07.250Z'].join('\t').length);
    expect(row.storable).toBe(true);
  });

  it('tells a field PostgreSQL would refuse (NUL, an unpaired surrogate) from the rest', () => {
    expect(new CopyRow().text('a\0b').storable).toBe(false);
    expect(new CopyRow().text('\ud800x').storable).toBe(false);
    expect(new CopyRow().text('😀').storable).toBe(true);
    expect(new CopyRow().jsonText(JSON.stringify('\0')).storable).toBe(false);
    expect(new CopyRow().jsonText(JSON.stringify('\\u0000 written out')).storable).toBe(true);
  });

  it('copyText is what a text field holds, alone', () => {
    expect(copyText('plain')).toBe('plain');
    expect(copyText('a\rb\\')).toBe('a\\rb\\\\');
  });
});
