#!/usr/bin/env node
/**
 * Build step (`npm run build`): the studio's page, src/studio/page/main.ts, bundled by esbuild into one
 * inline script of one HTML file, dist/src/studio/page.html, which the studio's server reads at start.
 *
 * Why one file: the server then serves exactly one page and its API (nothing from disk per request), the
 * page needs no CDN or network, and its Content-Security-Policy allows just this script, by hash.
 * `tsorm studio` never loads esbuild: the page is built here, once.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'src', 'studio', 'page.html');

const STYLE = fs.readFileSync(path.join(ROOT, 'src', 'studio', 'page', 'style.css'), 'utf8');

const result = esbuild.buildSync({
  entryPoints: [path.join(ROOT, 'src', 'studio', 'page', 'main.ts')],
  bundle: true,
  write: false,
  minify: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
});
const script = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>tsorm studio</title>
<style>${STYLE}</style>
</head>
<body>
<div id="app"></div>
<script>${script}</script>
</body>
</html>
`;
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, html);
