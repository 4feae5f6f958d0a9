import { runCommand } from '../../apps/cli/src/command';
import { evalCommand } from './eval-command';

// npm run eval (eval-command.ts).
runCommand(evalCommand);
