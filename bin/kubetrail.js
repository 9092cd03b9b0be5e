#!/usr/bin/env node
// In a checkout kubetrail runs its TypeScript sources through tsx (Node 20 and 22 alike, nothing to build
// or to forget to rebuild); the container image ships only the compiled dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import(new URL('../dist/src/cli/main.js', import.meta.url).href));
}
process.exitCode = await main(process.argv);
