#!/usr/bin/env node
// The process entry: run main() and exit with its code once stdout has been written out.
import { main } from './main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
