/**
 * npm run bench -- <name> [options]: the benchmarks, each printing figures and a final JSON line.
 * Each is imported only when run, so one benchmark's process does not carry the others' modules
 * (the stats benchmark measures its own memory).
 */
const [name, ...args] = process.argv.slice(2);
const benchmarks: Record<string, () => Promise<Record<string, number | null>>> = {
  dashboard: async () => {
    const { parseDashboardArgs, runDashboardBench } = await import('./dashboard.js');
    return runDashboardBench(parseDashboardArgs(args));
  },
  fanout: async () => {
    const { parseFanoutArgs, runFanout } = await import('./fanout/fanout.js');
    return runFanout(parseFanoutArgs(args));
  },
  'slack-answers': async () => {
    const { parseSlackAnswersArgs, runSlackAnswers } = await import('./slackAnswers.js');
    return runSlackAnswers(parseSlackAnswersArgs(args));
  },
  seed: async () => {
    const { parseSeedArgs, runSeed } = await import('./seed.js');
    return runSeed(parseSeedArgs(args));
  },
  stats: async () => {
    const { parseStatsArgs, runStatsBench } = await import('./stats.js');
    return runStatsBench(parseStatsArgs(args));
  },
};

const bench = name ? benchmarks[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
  process.exit(1);
}
const result = await bench();
console.log(JSON.stringify(result));
process.exit(0);
