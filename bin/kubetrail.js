#!/usr/bin/env node
// kubetrail runs from its TypeScript sources through tsx on Node 20 and 22 alike (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
