// Preloaded into each measured process: reports its peak resident memory on exit.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  writeSync(2, `\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
