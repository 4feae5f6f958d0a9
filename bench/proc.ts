import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

// /proc readings for `npm run bench:score`: resident memory (VmRSS, and VmHWM, the kernel's own
// high-water mark) and CPU time of processes, and the machine's CPU use, so the report can say
// where the cores went during a run (workers, PostgreSQL backends, anything else on the machine).

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

export function memoryKb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined; // gone
  }
}

// User + system CPU seconds of a process, undefined when it is gone.
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

// CPU seconds of every process with this command name (e.g. all PostgreSQL server processes: backends
// of every database, checkpointer, WAL writer, autovacuum), by pid.
export function cpuByCommand(command: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== command) continue;
    } catch {
      continue;
    }
    const s = cpuSeconds(Number(name));
    if (s !== undefined) out.set(Number(name), s);
  }
  return out;
}

// CPU seconds spent between two readings by processes present in the second (new ones count fully).
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}

// Busy and total CPU seconds of the whole machine since boot (all cores).
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0);
  return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
}

export function machineLoad(): string {
  const [a, b, c] = loadavg();
  return `load average ${a.toFixed(2)}, ${b.toFixed(2)}, ${c.toFixed(2)} on ${cpus().length} cores`;
}

// Samples the resident memory of some processes every `everyMs`; the peak of a process is the larger
// of the sampled VmRSS and its VmHWM read last (which also covers spikes between samples).
export class RssSampler {
  private readonly peakKb = new Map<number, number>();
  private readonly lastKb = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: number[]) {
    for (const pid of pids) this.peakKb.set(pid, 0);
  }

  start(everyMs = 200): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    for (const pid of this.pids) {
      const m = memoryKb(pid);
      if (!m) continue;
      this.lastKb.set(pid, m.rss);
      this.peakKb.set(pid, Math.max(this.peakKb.get(pid) ?? 0, m.rss, m.hwm));
    }
  }

  currentMb(): number[] {
    return this.pids.map((pid) => Math.round((this.lastKb.get(pid) ?? 0) / 1024));
  }

  // Call while the processes are still alive.
  stop(): number[] {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.pids.map((pid) => Math.round((this.peakKb.get(pid) ?? 0) / 1024));
  }
}
