import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { searchExample } from '../../examples/orm-search';
import { connectDb } from '../support/orm';

const root = join(__dirname, '../..');

describe('README search example', () => {
  it('runs as written against the backend', async () => {
    expect(await searchExample(connectDb())).toEqual([
      '2 found: n2, n1',
      'highlight 野生菊<em>花茶</em>',
      'by ada: n1, n3',
      'avg likes 15.666666666666666; ada: 2 notes, 17 likes; bob: 1 notes, 30 likes',
      'by author and month: ada 2025-01: 1, ada 2025-03: 1, bob 2025-02: 1',
    ]);
  });

  it.each(['README.md', 'README.zh-CN.md'])('%s shows the example verbatim', (file) => {
    const example = readFileSync(join(root, 'examples/orm-search.ts'), 'utf8').trim();
    expect(readFileSync(join(root, file), 'utf8')).toContain(example);
  });
});
