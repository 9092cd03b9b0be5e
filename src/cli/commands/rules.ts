import type { Command } from 'commander';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';

export function registerRules(program: Command, set: SetExit): void {
  const rules = program.command('rules').description('the detection library');
  rules
    .command('list')
    .description('list the detections')
    .action(async () => set(await handle(async () => {
      process.stdout.write('no detections in this build\n');
      return EXIT.ok;
    })));
  rules
    .command('test')
    .description("run every detection's fixtures")
    .action(async () => set(await handle(async () => {
      process.stdout.write('no detections in this build\n');
      return EXIT.ok;
    })));
}
