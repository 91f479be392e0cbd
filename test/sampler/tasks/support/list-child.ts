// Child process of the own-pid-namespace test: samples the containers named on the command line
// the way the daemon does (Sampler with the context-switch and processes collectors, proc_root
// /proc) twice, 1 s apart, and prints what it saw as one JSON line. The containers come as one
// JSON argument [{id, pid, cgroup}], resolved by the parent (this child may not see the host /proc).
import { KeptFiles } from '../../../../src/sampler/kept-files.js';
import { ReadErrors } from '../../../../src/errors/read-errors.js';
import { Sampler } from '../../../../src/sampler/sampler.js';
import { createProcessesCollector } from '../../../../src/sampler/collectors/processes.js';
import { createContextSwitchesCollector } from '../../../../src/sampler/collectors/context-switches.js';
import { TaskLister } from '../../../../src/sampler/tasks/task-lister.js';
import { loadConfig } from '../../../../src/config/load.js';
import type { ContainerInfo } from '../../../../src/model.js';

const config = loadConfig({ flags: {} });
const given = JSON.parse(process.argv[2]) as Array<Pick<ContainerInfo, 'id' | 'pid' | 'cgroup'>>;
const containers: ContainerInfo[] = given.map((c) => ({
  ...c, name: c.id.slice(0, 12), image: 'busybox', imageTag: 'latest', labels: {}, state: 'running', restartCount: 0, oomKilled: false, exitCode: 0,
}));
const tasks = new TaskLister();
const processes = createProcessesCollector({ top: 50, tasks });
const errors = new ReadErrors();
const sampler = new Sampler(config, new KeptFiles(errors), errors, [createContextSwitchesCollector({ tasks }), processes]);
sampler.gather(containers);
await new Promise((r) => setTimeout(r, 1000));
const samples = sampler.gather(containers);
const out = {
  pid: process.pid,
  source: tasks.source,
  errors: errors.entries(),
  containers: containers.map((c) => {
    const rows = samples.find((s) => s.container?.id === c.id)?.rows ?? [];
    const cs = rows.find((r) => r.measurement === 'docker_container_context_switches');
    const snap = processes.book.latest(c.id);
    return {
      id: c.id,
      switches: cs ? Object.fromEntries(Object.entries(cs.fields).map(([k, v]) => [k, Number(v)])) : null,
      pids: snap?.processes.map((p) => p.pid).sort((a, b) => a - b) ?? null,
      cpu: snap?.processes.map((p) => [p.pid, p.cpuPercent ?? null]) ?? null,
    };
  }),
};
sampler.close();
process.stdout.write(JSON.stringify(out) + '\n');
