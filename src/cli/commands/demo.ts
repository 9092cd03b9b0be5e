import type { Command } from 'commander';
import { handle } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';

export function registerDemo(program: Command, set: SetExit): void {
  program
    .command('demo')
    .description('generate the offline demo data set and run the demo job on it (no cloud account needed)')
    .action(async () => set(await handle(async () => {
      process.stdout.write('the demo data set is not in this build yet\n');
      return EXIT.ok;
    })));
}
