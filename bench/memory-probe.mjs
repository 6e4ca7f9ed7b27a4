// Loaded into a server process by `npm run bench:memory` (NODE_OPTIONS=--import), never by the
// server itself: samples the process's memory every 100 ms, keeps the largest of each figure, and
// writes them as JSON to MEMORY_PROBE_FILE on SIGUSR2 (then starts over, so each phase has its own).
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  let peak = {};
  const mb = (n) => Math.round((n / 1048576) * 10) / 10;
  const sample = () => {
    const u = process.memoryUsage();
    const now = {
      rss: u.rss,
      heap_total: u.heapTotal,
      heap_used: u.heapUsed,
      external: u.external,
      array_buffers: u.arrayBuffers,
    };
    for (const s of getHeapSpaceStatistics()) now[`space ${s.space_name}`] = s.space_size;
    for (const [k, v] of Object.entries(now)) peak[k] = Math.max(peak[k] ?? 0, v);
  };
  setInterval(sample, 100).unref();
  process.on('SIGUSR2', () => {
    sample();
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mb(v)]))));
    peak = {};
  });
}
