import { runCommand } from '../../apps/cli/src/command';
import { fitCommand } from './fit-command';

// npm run fit (fit-command.ts).
runCommand(fitCommand);
