import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../examples/orm-quickstart';
import { connectDb } from '../support/orm';

const root = join(__dirname, '../..');

describe('README quickstart', () => {
  it('runs as written against the backend', async () => {
    const log = await quickstart(connectDb());
    expect(log[0]).toMatch(/^inserted id \d+ version 1$/);
    expect(log.slice(1)).toEqual([
      'qty is now 3',
      'total 15 tags paid version 3',
      expect.stringMatching(/^found \d+ with qty 3$/),
      'page of 1',
      'deleted: true',
    ]);
  });

  it.each(['README.md', 'README.zh-CN.md'])('%s shows the example verbatim', (file) => {
    const example = readFileSync(join(root, 'examples/orm-quickstart.ts'), 'utf8').trim();
    expect(readFileSync(join(root, file), 'utf8')).toContain(example);
  });
});
