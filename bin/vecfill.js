#!/usr/bin/env node
// The vecfill command: the compiled CLI (npm's "prepare" builds dist/ on install).
import '../dist/cli/run.js';
