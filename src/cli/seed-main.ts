import { openCommandDatabase, processIo } from './command';
import { runSeed } from './seed';

process.exitCode = await runSeed(process.argv.slice(2), processIo, openCommandDatabase);
