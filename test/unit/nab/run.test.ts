import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { AUTO_CHOSEN_AT, thresholdForSensitivity } from '../../../agents/base/detector/brains/index.js';
import { registerNabCommand } from '../../../runtime/cli/commands/nab.js';
import { runNab } from '../../../runtime/nab/run.js';

let dir: string;
const t = (i: number): string => new Date(Date.UTC(2015, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');

/** 400 rows of a gentle wave; a spike at `spike` if given. CRLF and no final newline, like realAdExchange. */
function csv(spike?: number): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < 400; i++) rows.push(`${t(i)},${(10 + Math.sin(i / 7) + (i === spike ? 50 : 0)).toFixed(3)}`);
  return rows.join('\r\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-nab-'));
  await mkdir(join(dir, 'data/tiny'), { recursive: true });
  await writeFile(join(dir, 'data/tiny/spiky.csv'), csv(300));
  await writeFile(join(dir, 'data/tiny/calm.csv'), csv());
  await writeFile(join(dir, 'labels.json'), JSON.stringify({
    'tiny/spiky.csv': [[`${t(280)}.000000`, `${t(320)}.000000`]],
    'tiny/calm.csv': [],
    'elsewhere/ignored.csv': [['2015-01-01 00:00:00.000000', '2015-01-01 01:00:00.000000']],
  }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runNab', () => {
  it('runNab: scores a small folder, normalised by its own windows, and writes the result files', async () => {
    const report = await runNab({ data: join(dir, 'data'), labels: join(dir, 'labels.json'), out: join(dir, 'out') });
    expect(report).toMatchObject({ detector: 'auto', files: 2, windows: 1, rows: 800, threshold: thresholdForSensitivity(0.5) });
    // The spike is caught at its row, in the middle of the window: no miss, no false alarm.
    expect(report.standard).toBeGreaterThan(90);
    expect(report.perFile.map((f) => [f.file, f.detections])).toEqual([['tiny/calm.csv', 0], ['tiny/spiky.csv', 1]]);
    const written = await readFile(join(dir, 'out/tiny/auto_spiky.csv'), 'utf8');
    const lines = written.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(401);
    expect(Number(lines[301].split(',')[2])).toBeGreaterThanOrEqual(report.threshold);
  });

  it('runNab: follows symbolic links to category folders and files in the data folder', async () => {
    await mkdir(join(dir, 'linked/real/tiny'), { recursive: true });
    await writeFile(join(dir, 'linked/real/tiny/spiky.csv'), csv(300));
    await mkdir(join(dir, 'linked/data'), { recursive: true });
    // A linked category folder and, inside a real folder, a linked file.
    await symlink(join(dir, 'linked/real/tiny'), join(dir, 'linked/data/tiny'), 'dir');
    const report = await runNab({ data: join(dir, 'linked/data'), labels: join(dir, 'labels.json'), out: join(dir, 'out-linked') });
    expect(report.perFile.map((f) => f.file)).toEqual(['tiny/spiky.csv']);
    await mkdir(join(dir, 'linked/data2/tiny'), { recursive: true });
    await symlink(join(dir, 'linked/real/tiny/spiky.csv'), join(dir, 'linked/data2/tiny/spiky.csv'), 'file');
    await writeFile(join(dir, 'linked/data2/tiny/calm.csv'), csv());
    const report2 = await runNab({ data: join(dir, 'linked/data2'), labels: join(dir, 'labels.json'), out: join(dir, 'out-linked2') });
    expect(report2.perFile.map((f) => f.file)).toEqual(['tiny/calm.csv', 'tiny/spiky.csv']);
  });

  it('runNab: a dangling link or a link cycle in the data folder is an error naming it', async () => {
    await mkdir(join(dir, 'bad/data/tiny'), { recursive: true });
    await writeFile(join(dir, 'bad/data/tiny/calm.csv'), csv());
    await symlink(join(dir, 'bad/nowhere.csv'), join(dir, 'bad/data/tiny/gone.csv'));
    await expect(runNab({ data: join(dir, 'bad/data'), labels: join(dir, 'labels.json'), out: join(dir, 'out-bad') }))
      .rejects.toThrow(/gone\.csv/);
    await mkdir(join(dir, 'cycle/data/tiny'), { recursive: true });
    await writeFile(join(dir, 'cycle/data/tiny/calm.csv'), csv());
    await symlink(join(dir, 'cycle/data'), join(dir, 'cycle/data/tiny/loop'), 'dir');
    const report = await runNab({ data: join(dir, 'cycle/data'), labels: join(dir, 'labels.json'), out: join(dir, 'out-cycle') });
    expect(report.perFile.map((f) => f.file)).toEqual(['tiny/calm.csv']);
  });

  it('runNab: a data file missing from the labels is an error naming it', async () => {
    await mkdir(join(dir, 'data2/other'), { recursive: true });
    await writeFile(join(dir, 'data2/other/unlabelled.csv'), csv());
    await expect(runNab({ data: join(dir, 'data2'), labels: join(dir, 'labels.json'), out: join(dir, 'out2') }))
      .rejects.toThrow(/unlabelled\.csv.*other\/unlabelled\.csv/);
  });

  it('runNab: a missing folder or labels file is an error naming the path', async () => {
    await expect(runNab({ data: join(dir, 'nope'), labels: join(dir, 'labels.json') })).rejects.toThrow(/nope/);
    await expect(runNab({ data: join(dir, 'data'), labels: join(dir, 'missing.json') })).rejects.toThrow(/missing\.json/);
    await writeFile(join(dir, 'broken.json'), '{ not json');
    await expect(runNab({ data: join(dir, 'data'), labels: join(dir, 'broken.json') })).rejects.toThrow(/broken\.json/);
  });

  it('nab command: --json prints exactly one JSON object with the scores', async () => {
    const program = new Command().exitOverride();
    registerNabCommand(program);
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string) => { chunks.push(c); return true; }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'vigil', 'nab', '--data', join(dir, 'data'), '--labels', join(dir, 'labels.json'), '--out', join(dir, 'out3'), '--json']);
    } finally {
      process.stdout.write = write;
    }
    const parsed = JSON.parse(chunks.join('')) as Record<string, number>;
    expect(parsed).toMatchObject({ files: 2, windows: 1, threshold: thresholdForSensitivity(0.5) });
    for (const k of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) expect(typeof parsed[k]).toBe('number');
  });

  it('nab command: --cv --json adds the held-out scores of each category and the pooled cross-validated score', async () => {
    await mkdir(join(dir, 'cv/one'), { recursive: true });
    await mkdir(join(dir, 'cv/two'), { recursive: true });
    await writeFile(join(dir, 'cv/one/a.csv'), csv(300));
    await writeFile(join(dir, 'cv/two/b.csv'), csv(250));
    await writeFile(join(dir, 'cv-labels.json'), JSON.stringify({
      'one/a.csv': [[`${t(280)}.000000`, `${t(320)}.000000`]],
      'two/b.csv': [[`${t(230)}.000000`, `${t(270)}.000000`]],
    }));
    const program = new Command().exitOverride();
    registerNabCommand(program);
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string) => { chunks.push(c); return true; }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'vigil', 'nab', '--data', join(dir, 'cv'), '--labels', join(dir, 'cv-labels.json'), '--out', join(dir, 'out-cv'), '--cv', '--json']);
    } finally {
      process.stdout.write = write;
    }
    const parsed = JSON.parse(chunks.join('')) as { files: number; cv: { heldOut: Record<string, number>; folds: { category: string; windows: number }[]; shipped: { threshold: number } } };
    expect(parsed.files).toBe(2);
    expect(parsed.cv.folds.map((f) => [f.category, f.windows])).toEqual([['one', 1], ['two', 1]]);
    expect(parsed.cv.heldOut.standard).toBeGreaterThan(90);
    // What ships is scored at the threshold its weights were chosen at (auto maps it onto the default one).
    expect(parsed.cv.shipped.threshold).toBe(AUTO_CHOSEN_AT);
  });

  it('nab command: --cv with a single category is an error that says why', async () => {
    await expect(runNabCvOnly(join(dir, 'data'))).rejects.toThrow(/at least two categories/);
  });
});

async function runNabCvOnly(data: string): Promise<unknown> {
  const { runNabCv } = await import('../../../runtime/nab/cv-run.js');
  return runNabCv(data, join(dir, 'labels.json'));
}
