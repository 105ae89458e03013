#!/usr/bin/env node
// Runs the compiled CLI; build it first with `npm run build`.
import '../dist/main.js';
