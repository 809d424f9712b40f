#!/usr/bin/env node
/**
 * Benchmarks: `npm run bench` (every area) or `npm run bench:<area>`; `-- --json` prints one JSON object a
 * line instead of the table. Each area compares itself with a baseline measured in the same run, because the
 * machines are shared and noisy: the ratio holds where an absolute number means little.
 *
 *   node bench/run.js [area ...] [--json] [--seconds N]
 *
 * An area module exports `description` and `async run({ seconds, log })` resolving to rows
 * `{ name, value, unit, baseline?, ratio?, cpu?, target?, pass? }` (cpu: server µs per call, table only).
 */
'use strict';

const AREAS = {
  emulator: () => require('./emulator'),
  orm: () => require('./orm'),
  fc: () => require('./fc'),
  studio: () => require('./studio'),
};

function parseArgs(argv) {
  const opts = { areas: [], json: false, seconds: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--seconds') opts.seconds = Number(argv[++i]);
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else opts.areas.push(a);
  }
  return opts;
}

function fmt(n) {
  if (n === undefined || n === null) return '';
  if (typeof n !== 'number') return String(n);
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

function printTable(title, rows) {
  const head = ['benchmark', 'value', 'unit', 'baseline', 'ratio', 'server CPU/call', 'target', ''];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    r.baseline ?? '',
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
    r.cpu === undefined ? '' : `${Math.round(r.cpu).toLocaleString('en-US')} µs`,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'ok' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([1, 4, 5]);
  const line = (cells) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(`usage: node bench/run.js [${Object.keys(AREAS).join('|')} ...] [--json] [--seconds N]`);
    return;
  }
  const names = opts.areas.length ? opts.areas : Object.keys(AREAS);
  for (const n of names) if (!AREAS[n]) throw new Error(`unknown benchmark area "${n}" (known: ${Object.keys(AREAS).join(', ')})`);
  const log = opts.json ? () => {} : (msg) => process.stderr.write(`${msg}\n`);
  for (const name of names) {
    const area = AREAS[name]();
    log(`# ${name}: ${area.description}`);
    const rows = await area.run({ seconds: opts.seconds, log });
    if (opts.json) {
      for (const r of rows) {
        const out = { name: r.name, value: Math.round(r.value * 100) / 100, unit: r.unit };
        if (r.baseline) out.baseline = r.baseline;
        if (r.ratio !== undefined) out.ratio = Math.round(r.ratio * 100) / 100;
        console.log(JSON.stringify(out));
      }
    } else printTable(`${name}: ${area.description}`, rows);
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
