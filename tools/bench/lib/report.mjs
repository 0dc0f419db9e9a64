// Turns a run's results into the stdout table, docs/performance.md and the SVG chart.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TRANSPORT_LABEL = { ws: 'WebSocket', sse: 'SSE', longPoll: 'long poll', poll: 'short poll', plain: 'poll, no If-None-Match', ifNoneMatch: 'poll + If-None-Match' };
const KIND_LABEL = { herald: 'Herald', raw: 'raw', sio: 'Socket.IO' };

const num = (v, digits) => {
  if (!Number.isFinite(v)) return '-';
  if (digits === undefined) digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** The rows of the results table: which figure, from which scenario, and the target if any. */
const ROWS = [
  { scenario: 'fanout', metric: 'p50 latency (ms)', get: (r) => r.p50, better: 'lower' },
  { scenario: 'fanout', metric: 'p99 latency (ms)', get: (r) => r.p99, better: 'lower', target: { ws: 1.5, sse: 1.5 } },
  { scenario: 'fanout', metric: 'deliveries/s', get: (r) => r.deliveriesPerSec, better: 'higher', digits: 0 },
  { scenario: 'fanout', metric: 'server CPU (%)', get: (r) => r.serverCpuPct, better: 'lower', digits: 0 },
  { scenario: 'fanout', metric: 'server CPU per delivery (µs)', get: (r) => r.serverUsPerDelivery, better: 'lower' },
  { scenario: 'fanout', metric: 'server RSS (MiB)', get: (r) => r.rss / 2 ** 20, better: 'lower', digits: 0 },
  { scenario: 'saturation', metric: 'max rate (events/s)', get: (r) => r.rate, better: 'higher', digits: 0 },
  { scenario: 'saturation', metric: 'throughput (deliveries/s)', get: (r) => r.deliveriesPerSec, better: 'higher', digits: 0, target: { ws: 0.85, sse: 0.85, longPoll: 0.85 }, sioTarget: { ws: 1.0 } },
  { scenario: 'saturation', metric: 'p99 at max rate (ms)', get: (r) => r.p99, better: 'lower' },
  { scenario: 'saturation', metric: 'server CPU per delivery (µs)', get: (r) => r.serverUsPerDelivery, better: 'lower' },
  { scenario: 'capacity', metric: 'RSS per idle connection (KiB)', get: (r) => r.rssPerConn / 1024, better: 'lower', target: { ws: 1.3, sse: 1.3 } },
  { scenario: 'capacity', metric: 'JS heap per idle connection (KiB)', get: (r) => r.heapPerConn / 1024, better: 'lower' },
  { scenario: 'capacity', metric: 'connections opened per second', get: (r) => r.openPerSec, better: 'higher', digits: 0 },
  { scenario: 'polling', metric: 'requests/s', get: (r) => r.requestsPerSec, better: 'higher', digits: 0 },
  { scenario: 'polling', metric: 'server CPU per request (µs)', get: (r) => r.serverUsPerRequest, better: 'lower' },
  { scenario: 'resume', metric: 'all clients caught up (s)', get: (r) => r.seconds, better: 'lower', digits: 2 },
  { scenario: 'resume', metric: 'per-client catch-up p99 (ms)', get: (r) => r.catchUpP99, better: 'lower', digits: 0 },
  { scenario: 'resume', metric: 'server CPU (s)', get: (r) => r.serverCpu, better: 'lower', digits: 2 },
];

const SCENARIO_LABEL = { fanout: 'fan-out', saturation: 'saturation', capacity: 'capacity', polling: 'polling cost', resume: 'resume' };

function medianOf(list, get) {
  return list ? median(list.map(get)) : NaN;
}

function computeRows(results) {
  const rows = [];
  for (const def of ROWS) {
    const bucket = results[def.scenario] ?? {};
    for (const transport of Object.keys(bucket)) {
      const by = bucket[transport];
      const herald = medianOf(by.herald, def.get);
      const raw = medianOf(by.raw, def.get);
      const sio = medianOf(by.sio, def.get);
      const ratio = herald / raw;
      const sioRatio = herald / sio;
      const target = def.target?.[transport];
      const sioTarget = def.sioTarget?.[transport];
      let met;
      if (target !== undefined && Number.isFinite(ratio)) met = def.better === 'lower' ? ratio <= target : ratio >= target;
      if (sioTarget !== undefined && Number.isFinite(sioRatio)) met = (met ?? true) && sioRatio >= sioTarget;
      rows.push({ ...def, transport, herald, raw, sio, ratio, sioRatio, targetText: targetText(def, target, sioTarget), met, reps: by.herald?.length ?? 0 });
    }
  }
  return rows;
}

function targetText(def, target, sioTarget) {
  const parts = [];
  if (target !== undefined) parts.push(`${def.better === 'lower' ? '≤' : '≥'} ${target} × raw`);
  if (sioTarget !== undefined) parts.push(`≥ ${sioTarget} × Socket.IO`);
  return parts.join(', ');
}

function integrity(results) {
  const out = [];
  for (const scenario of ['fanout', 'saturation', 'resume']) {
    for (const [transport, by] of Object.entries(results[scenario] ?? {})) {
      for (const [kind, list] of Object.entries(by)) {
        const sum = (f) => list.reduce((a, r) => a + (f(r) ?? 0), 0);
        out.push({
          scenario,
          transport,
          kind,
          lost: sum((r) => r.lost),
          dup: sum((r) => r.dup),
          ooo: sum((r) => r.ooo),
          foreign: sum((r) => r.foreign),
          openErrors: sum((r) => r.openErrors),
        });
      }
    }
  }
  return out;
}

function bottlenecks(results) {
  const notes = [];
  for (const scenario of ['fanout', 'saturation', 'polling', 'resume']) {
    for (const [transport, by] of Object.entries(results[scenario] ?? {})) {
      for (const [kind, list] of Object.entries(by)) {
        const gen = list.filter((r) => (r.bound ?? '').includes('generator')).length;
        if (gen) notes.push(`${SCENARIO_LABEL[scenario]} / ${TRANSPORT_LABEL[transport]} / ${KIND_LABEL[kind]}: the generator's core was above 90% in ${gen} of ${list.length} trials, so that figure is a lower bound for the server.`);
      }
    }
  }
  return notes;
}

function textTable(rows) {
  const header = ['scenario', 'transport', 'metric', 'Herald', 'raw', 'H/raw', 'Socket.IO', 'H/SIO', 'target', 'met'];
  const lines = rows.map((r) => [
    SCENARIO_LABEL[r.scenario],
    TRANSPORT_LABEL[r.transport] ?? r.transport,
    r.metric,
    num(r.herald, r.digits),
    num(r.raw, r.digits),
    num(r.ratio, 2),
    Number.isFinite(r.sio) ? num(r.sio, r.digits) : '',
    Number.isFinite(r.sioRatio) ? num(r.sioRatio, 2) : '',
    r.targetText,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtLine = (l) => l.map((c, i) => (i >= 3 && i <= 7 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [fmtLine(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmtLine)].join('\n');
}

function markdownTable(rows) {
  const out = ['| scenario | transport | metric | Herald | raw | Herald / raw | Socket.IO | Herald / Socket.IO | target | met |', '|---|---|---|--:|--:|--:|--:|--:|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${SCENARIO_LABEL[r.scenario]} | ${TRANSPORT_LABEL[r.transport] ?? r.transport} | ${r.metric} | ${num(r.herald, r.digits)} | ${num(r.raw, r.digits)} | ${num(r.ratio, 2)} | ${Number.isFinite(r.sio) ? num(r.sio, r.digits) : ''} | ${Number.isFinite(r.sioRatio) ? num(r.sioRatio, 2) : ''} | ${r.targetText} | ${r.met === undefined ? '' : r.met ? '✅' : '❌'} |`,
    );
  }
  return out.join('\n');
}

function svgChart(results) {
  const transports = ['ws', 'sse', 'longPoll', 'poll'];
  const kinds = ['herald', 'raw', 'sio'];
  const colors = { herald: '#2563eb', raw: '#9ca3af', sio: '#f59e0b' };
  const panels = [
    { title: 'Fan-out p99 latency (ms, lower is better)', get: (t, k) => medianOf(results.fanout?.[t]?.[k], (r) => r.p99), log: true },
    { title: 'Saturation throughput (deliveries/s, higher is better)', get: (t, k) => medianOf(results.saturation?.[t]?.[k], (r) => r.deliveriesPerSec), log: false },
  ];
  const W = 460;
  const H = 300;
  const pad = { l: 56, r: 12, t: 40, b: 46 };
  let body = '';
  panels.forEach((panel, p) => {
    const x0 = p * W;
    const values = transports.flatMap((t) => kinds.map((k) => panel.get(t, k))).filter((v) => Number.isFinite(v) && v > 0);
    const max = Math.max(1, ...values);
    const min = panel.log ? Math.max(0.1, Math.min(...values, max) / 2) : 0;
    const plotH = H - pad.t - pad.b;
    const scale = (v) => {
      if (!Number.isFinite(v) || v <= 0) return 0;
      if (!panel.log) return (v / max) * plotH;
      return Math.max(0, (Math.log10(v / min) / Math.log10((max * 1.2) / min)) * plotH);
    };
    body += `<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-size="13" font-weight="600">${panel.title}</text>`;
    body += `<line x1="${x0 + pad.l}" y1="${H - pad.b}" x2="${x0 + W - pad.r}" y2="${H - pad.b}" stroke="#333"/>`;
    const groupW = (W - pad.l - pad.r) / transports.length;
    const barW = (groupW - 16) / kinds.length;
    transports.forEach((t, i) => {
      const gx = x0 + pad.l + i * groupW + 8;
      kinds.forEach((k, j) => {
        const v = panel.get(t, k);
        if (!Number.isFinite(v)) return;
        const h = scale(v);
        const x = gx + j * barW;
        body += `<rect x="${x.toFixed(1)}" y="${(H - pad.b - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[k]}"><title>${KIND_LABEL[k]} ${TRANSPORT_LABEL[t]}: ${num(v)}</title></rect>`;
        body += `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(H - pad.b - h - 3).toFixed(1)}" text-anchor="middle" font-size="9">${v >= 10000 ? num(v / 1000, 0) + 'k' : num(v)}</text>`;
      });
      body += `<text x="${(gx + (groupW - 16) / 2).toFixed(1)}" y="${H - pad.b + 16}" text-anchor="middle" font-size="11">${TRANSPORT_LABEL[t]}</text>`;
    });
    body += `<text x="${x0 + pad.l - 6}" y="${H - pad.b}" text-anchor="end" font-size="9">${panel.log ? num(min) : '0'}</text>`;
    body += `<text x="${x0 + pad.l - 6}" y="${pad.t + 8}" text-anchor="end" font-size="9">${num(panel.log ? max * 1.2 : max)}</text>`;
    if (panel.log) body += `<text x="${x0 + pad.l - 6}" y="${pad.t + 20}" text-anchor="end" font-size="8">log</text>`;
  });
  let legend = '';
  kinds.forEach((k, i) => {
    legend += `<rect x="${W - 150 + i * 95}" y="${H - 16}" width="10" height="10" fill="${colors[k]}"/><text x="${W - 136 + i * 95}" y="${H - 7}" font-size="11">${KIND_LABEL[k]}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${body}
${legend}
</svg>
`;
}

/** Every trial's share of the two CPUs taken by other processes (see CpuWindow.noisePct). */
function noiseLevels(results) {
  const values = [];
  for (const scenario of ['fanout', 'saturation', 'polling', 'resume']) {
    for (const by of Object.values(results[scenario] ?? {})) for (const list of Object.values(by)) for (const r of list) values.push(r.noisePct);
  }
  return values.filter(Number.isFinite).sort((a, b) => a - b);
}

function targetsTable(rows) {
  const out = ['| target | required | measured | met |', '|---|---|--:|---|'];
  for (const r of rows.filter((row) => row.targetText)) {
    const measured = [Number.isFinite(r.ratio) ? `${num(r.ratio, 2)} × raw` : '', Number.isFinite(r.sioRatio) && r.sioTarget?.[r.transport] ? `${num(r.sioRatio, 2)} × Socket.IO` : '']
      .filter(Boolean)
      .join(', ');
    out.push(`| ${TRANSPORT_LABEL[r.transport]} ${SCENARIO_LABEL[r.scenario]}: ${r.metric} | ${r.targetText} | ${measured} | ${r.met === undefined ? '?' : r.met ? '✅' : '❌'} |`);
  }
  return out.join('\n');
}

function scalingSection(results, markdown) {
  const scaling = results.scaling;
  if (!scaling) return '';
  if (scaling.pending) return markdown ? `Pending: ${scaling.pending}.` : `Scaling: pending (${scaling.pending}).`;
  const base = scaling.configs[0];
  const rows = scaling.configs.map((c) => [
    c.name,
    num(c.rate, 0),
    num(c.deliveriesPerSec, 0),
    num(c.deliveriesPerSec / base.deliveriesPerSec, 2),
    num(c.p99),
    num(c.serverUsPerDelivery, 2),
    c.bound || '',
  ]);
  const header = ['configuration', 'max rate (events/s)', 'deliveries/s', 'vs 1 process, memory', 'p99 (ms)', 'server CPU per delivery (µs, all processes)', 'bottleneck'];
  if (markdown) {
    return [`| ${header.join(' | ')} |`, '|---|--:|--:|--:|--:|--:|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  }
  return ['Scaling (WebSocket saturation, Herald only):', ...rows.map((r) => `  ${r[0].padEnd(24)} ${r[1].padStart(7)} events/s  ${r[2].padStart(9)} del/s  x${r[3]}  p99 ${r[4]} ms  ${r[5]} µs/delivery ${r[6]}`)].join('\n');
}

export function buildReport(results) {
  const rows = computeRows(results);
  const checks = integrity(results);
  const bad = checks.filter((c) => c.lost || c.dup || c.ooo || c.foreign);
  const heraldBad = bad.filter((c) => c.kind === 'herald');
  const notes = bottlenecks(results);
  const m = results.machine;
  const o = results.options;
  const table = [
    textTable(rows),
    '',
    heraldBad.length
      ? 'Integrity: Herald LOST/DUPLICATED/REORDERED events in: ' + heraldBad.map((c) => `${c.scenario}/${c.transport} (lost ${c.lost}, dup ${c.dup}, ooo ${c.ooo}, before-cursor ${c.foreign})`).join('; ')
      : `Integrity: Herald lost, duplicated and reordered nothing in ${checks.filter((c) => c.kind === 'herald').length} scenario/transport combinations.`,
    ...bad.filter((c) => c.kind !== 'herald').map((c) => `  baseline ${KIND_LABEL[c.kind]} ${c.scenario}/${c.transport}: lost ${c.lost}, dup ${c.dup}, ooo ${c.ooo}`),
    ...notes.map((n) => 'Note: ' + n),
    scalingSection(results, false),
  ].join('\n');

  const integrityMd = [
    '| scenario | transport | server | lost | duplicated | out of order | before cursor | failed connects |',
    '|---|---|---|--:|--:|--:|--:|--:|',
    ...checks.map((c) => `| ${SCENARIO_LABEL[c.scenario]} | ${TRANSPORT_LABEL[c.transport]} | ${KIND_LABEL[c.kind]} | ${c.lost} | ${c.dup} | ${c.ooo} | ${c.foreign} | ${c.openErrors} |`),
  ].join('\n');

  const satLogs = Object.entries(results.saturation ?? {})
    .flatMap(([t, by]) =>
      Object.entries(by).flatMap(([k, list]) =>
        list.map((r, i) => `- ${TRANSPORT_LABEL[t]} / ${KIND_LABEL[k]} rep ${i + 1}${r.exhausted ? ' (no passing rate within the step budget: left out of the median)' : ''}: ${r.log.join(', ')}`),
      ),
    )
    .join('\n');

  let notesMd = '';
  try {
    notesMd = readFileSync(join(here, '..', 'performance-notes.md'), 'utf8');
  } catch {
    notesMd = '';
  }
  notesMd = notesMd.replace('<!-- SCALING -->', scalingSection(results, true) || 'Not measured in this run (`--scenarios ...,scaling`).');

  const noise = noiseLevels(results);
  const noiseText = noise.length
    ? `Other processes took a median ${num(noise[noise.length >> 1], 0)} % (90th percentile ${num(noise[Math.floor(noise.length * 0.9)], 0)} %) of the two CPUs during the trials ("other" in the saturation steps below); the saturation search is the most sensitive to it.`
    : '';
  const heraldIntegrity = checks.filter((c) => c.kind === 'herald');
  const zeroLoss = heraldBad.length === 0;
  const markdown = `# Herald performance

<!-- Generated by tools/bench/run.mjs from its last run: edit tools/bench/performance-notes.md for the prose, re-run the bench for the figures. -->

Measured with \`${m.command}\` (\`npm run bench\`), ${m.date.slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(results.seconds)} s.

| machine | |
|---|---|
| CPUs (\`nproc\`) | ${m.nproc} |
| CPU model | ${m.cpu} |
| memory | ${m.memoryGb} GiB |
| Node.js | ${m.node} |
| kernel | ${m.kernel} |
| open files limit (generator) | ${m.fdLimit} |

Every server runs in its own process pinned to CPU 0 (\`taskset -c 0\`); the load generator runs pinned
to CPU 1. Herald, the raw baseline and Socket.IO are measured in the same run, trial by trial in
alternating order (A B, B A, ...), and every figure below is the **median of ${o.fanoutReps} (fan-out),
${o.satReps} (saturation), ${o.capacityReps} (capacity), ${o.pollReps} (polling) and ${o.resumeReps} (resume) repetitions**.
Ratios are Herald's median over the baseline's median. ${noiseText}

## Targets

${targetsTable(rows)}
| zero lost / duplicated / reordered events, every scenario | 0 | ${heraldIntegrity.reduce((a, c) => a + c.lost + c.dup + c.ooo + c.foreign, 0)} in ${heraldIntegrity.length} scenario × transport combinations | ${zeroLoss ? '✅' : '❌'} |

${rows.some((r) => r.targetText && r.met === false) || !zeroLoss ? 'Why the missed ones are missed is under [Where the remaining gap is](#where-the-remaining-gap-is-and-why).' : 'Every target was met in this run. How far each figure moves from run to run, and what still costs more than the raw server, is under [Where the remaining gap is](#where-the-remaining-gap-is-and-why).'}

## Results

${markdownTable(rows)}

![Fan-out p99 latency and saturation throughput per transport](performance-chart.svg)

Sizes in this run: fan-out ${o.fanoutSubs} subscribers (${o.fanoutPollSubs} for long and short polling, short polls every
${o.pollIntervalMs} ms) × ${o.fanoutRate} events/s × ${o.payload} B for ${o.fanoutSeconds} s; saturation ${o.satSubs} subscribers,
${o.satSeconds} s steps, pass = every event delivered to every subscriber, p99 < ${o.satP99Ms} ms and the publisher kept its rate
(short polls every ${o.satPollIntervalMs} ms); capacity ${o.capacityConns} idle connections per trial on a fresh server;
polling cost ${o.pollConns} keep-alive connections polling an idle topic back to back for ${o.pollSeconds} s; resume
${o.resumeClients} clients reconnecting at once ${o.resumeBack} events behind.

### Delivery integrity

${heraldBad.length ? '**Herald lost, duplicated or reordered events in some trials (see below).**' : 'Herald lost, duplicated and reordered **nothing** in any trial.'} Every subscriber checks every sequence number
it should receive (per-subscriber bitmaps); "before cursor" counts events a resuming client received although they
were older than its cursor.

${integrityMd}

${notes.length ? '### Where the generator was the bottleneck\n\n' + notes.map((n) => '- ' + n).join('\n') + '\n' : '### Bottlenecks\n\nThe generator\'s core stayed below 90% in every trial: the figures measure the servers.\n'}
<details><summary>Saturation search steps (rate in events/s: outcome)</summary>

${satLogs}

</details>

${notesMd}`;

  return { table, markdown, svg: svgChart(results), rows };
}
