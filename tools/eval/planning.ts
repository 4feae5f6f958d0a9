import { runCommand } from '../../apps/cli/src/command';
import { planningCommand } from './planning-command';

// npm run eval:planning (planning-command.ts).
runCommand(planningCommand);
