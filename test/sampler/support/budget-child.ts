// Run under a low `ulimit -n` by descriptor-budget.test.ts:
//   node --import tsx budget-child.ts <dir> <owners> <filesPerOwner> <ticks> <explicit-limit|default>
// Reads every file every tick through KeptFiles, checks each content, and prints one JSON line.
import { openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configureLogging } from '../../../src/log.js';
import { DescriptorBudget, processDescriptorBudget } from '../../../src/sampler/descriptor-budget.js';
import { KeptFiles } from '../../../src/sampler/kept-files.js';
import { ReadErrors } from '../../../src/errors/read-errors.js';

const [dir, ownersArg, perOwnerArg, ticksArg, limitArg] = process.argv.slice(2);
const owners = Number(ownersArg);
const perOwner = Number(perOwnerArg);
const ticks = Number(ticksArg);
const logLines: string[] = [];
configureLogging({ level: 'info', format: 'text', write: (l) => logLines.push(l) });

const budget = limitArg === 'default' ? processDescriptorBudget() : new DescriptorBudget(Number(limitArg));
const errors = new ReadErrors();
const files = new KeptFiles(errors, { budget });
let wrong = 0;
let maxFds = 0;
let fdsError = '';
const fdCount = () => {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch (err) {
    fdsError = (err as NodeJS.ErrnoException).code ?? 'error';
    return -1;
  }
};
// A descriptor taken behind the budget's back after it was derived, as sockets would be: with an
// explicit limit above the real one, opens fail with EMFILE and the budget must adapt.
for (let o = 0; o < owners; o++) for (let f = 0; f < perOwner; f++) writeFileSync(join(dir, `o${o}-f${f}`), `${o}:${f}:0\n`);
const rewrite = !process.env.HOG; // with descriptors hogged, a write could fail for want of one
const hog: number[] = [];
if (process.env.HOG) for (let i = 0; i < Number(process.env.HOG); i++) hog.push(openSync('/dev/null', 'r'));
for (let t = 0; t < ticks; t++) {
  for (let o = 0; o < owners; o++) {
    for (let f = 0; f < perOwner; f++) {
      const path = join(dir, `o${o}-f${f}`);
      if (rewrite && t > 0 && f === 0) writeFileSync(path, `${o}:${f}:${t}\n`);
      const text = files.read(path, `owner${o}`, 'test');
      const want = `${o}:${f}:${rewrite && f === 0 ? t : 0}\n`;
      if (text !== want) wrong++;
    }
    maxFds = Math.max(maxFds, fdCount());
  }
  files.endOfTick();
}
let memoryOk = true;
try {
  process.memoryUsage();
} catch {
  memoryOk = false;
}
const budgetLines = logLines.filter((l) => l.includes('kept-open descriptor budget reached'));
process.stdout.write(
  JSON.stringify({
    wrong,
    maxFds,
    fdsError,
    kept: files.openCount,
    limit: budget.limit,
    used: budget.used,
    fallbackReads: files.fallbackReads,
    fallbackContainers: files.fallbackContainers,
    exhaustedOpens: budget.exhaustedOpens,
    errors: errors.total(),
    memoryOk,
    budgetLines,
  }) + '\n',
);
