#!/usr/bin/env node
// The process entry: run main() and exit with its code.
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Exit explicitly once stdout and stderr are written: an interrupted read of an idle stdin would
// otherwise keep the process alive until the pipe sends something.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
