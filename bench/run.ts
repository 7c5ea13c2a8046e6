/** npm run bench -- <name> [options]: the benchmarks, each printing figures and a final JSON line. */
import { parseFanoutArgs, runFanout } from './fanout/fanout.js';
import { parseSlackAnswersArgs, runSlackAnswers } from './slackAnswers.js';

const [name, ...args] = process.argv.slice(2);
const benchmarks: Record<string, () => Promise<Record<string, number>>> = {
  fanout: () => runFanout(parseFanoutArgs(args)),
  'slack-answers': () => runSlackAnswers(parseSlackAnswersArgs(args)),
};

const bench = name ? benchmarks[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
  process.exit(1);
}
const result = await bench();
console.log(JSON.stringify(result));
process.exit(0);
