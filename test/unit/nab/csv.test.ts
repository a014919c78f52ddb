import { describe, expect, it } from 'vitest';
import { parseNabCsv, parseNabTime } from '../../../runtime/nab/csv.js';
import { windowRows } from '../../../runtime/nab/windows.js';

describe('NAB csv', () => {
  it('csv: reads CRLF, no final newline and repeated timestamps as one row each', () => {
    const s = parseNabCsv('timestamp,value\r\n2014-01-01 00:00:00,1\r\n2014-01-01 00:00:00,2.5\r\n2014-01-01 00:05:00,-3', 'value', 'x.csv');
    expect(s.values).toEqual([1, 2.5, -3]);
    expect(s.timestamps).toEqual(['2014-01-01 00:00:00', '2014-01-01 00:00:00', '2014-01-01 00:05:00']);
    expect(s.times[2] - s.times[0]).toBe(300_000);
    expect(parseNabTime('2014-01-01 00:00:00.000000')).toBe(Date.UTC(2014, 0, 1));
  });

  it('csv: a bad cell is an error naming the file and line', () => {
    expect(() => parseNabCsv('timestamp,value\n2014-01-01 00:00:00,abc\n', 'value', 'bad.csv')).toThrow(/bad\.csv: line 2/);
    expect(() => parseNabCsv('time,v\n', 'value', 'hdr.csv')).toThrow(/hdr\.csv: header/);
  });

  it('windows: boundaries map to row indices; an unknown boundary names the file', () => {
    const ts = ['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00', '2014-01-01 00:15:00'];
    expect(windowRows(ts, [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']], 'a/b.csv')).toEqual([{ start: 1, end: 2 }]);
    expect(() => windowRows(ts, [['2015-01-01 00:00:00.000000', '2015-01-01 00:10:00.000000']], 'a/b.csv')).toThrow(/a\/b\.csv/);
  });
});
