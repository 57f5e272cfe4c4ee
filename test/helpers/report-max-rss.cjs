// node --require ./report-max-rss.cjs …: prints the process's peak RSS to stderr when it exits.
process.on('exit', () => process.stderr.write(`\nmax-rss-kb ${process.resourceUsage().maxRSS}\n`));
