#!/usr/bin/env node
// chalk ignores NO_COLOR; FORCE_COLOR=0 is what it honours. Set before anything imports chalk.
if (process.env.NO_COLOR && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = '0';
if (process.argv.includes('--no-color') && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = '0';
process.env.NODE_ENV ??= 'production';

const {run} = await import('../distribution/cli/main.js');
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
// A dropped SSH session: stop cleanly (the demo stops its servers) instead of dying mid-step.
process.once('SIGHUP', () => controller.abort());
const io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env};
process.exitCode = await run(process.argv.slice(2), io, controller.signal);
