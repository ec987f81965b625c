import { runAuditCommand } from './audit';
import { openCommandDatabase, processIo } from './command';

process.exitCode = await runAuditCommand(process.argv.slice(2), processIo, openCommandDatabase);
