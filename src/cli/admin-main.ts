import { runAdmin } from './admin';
import { openCommandDatabase, processIo } from './command';

process.exitCode = await runAdmin(process.argv.slice(2), processIo, openCommandDatabase);
