#!/usr/bin/env node
// `npx bistandsrobot KOMMANDO …` from a checkout: src/main.ts through tsx (a dev dependency),
// found beside this file whatever the working directory. A server runs `node dist/main.js`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
