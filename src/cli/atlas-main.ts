import { runAtlasCommand } from './atlas';
import { openCommandDatabase, processIo } from './command';

process.exitCode = await runAtlasCommand(process.argv.slice(2), processIo, openCommandDatabase);
