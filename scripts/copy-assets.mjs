// Part of `npm run build`: what dist/ needs beside the compiled code, so that dist/, rules/,
// package.json and node_modules are the whole robot (the runtime image holds exactly those).
// Today that is the pages' stylesheet, read from dist/web/assets at run time.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/web/assets', import.meta.url), new URL('../dist/web/assets', import.meta.url), { recursive: true });
