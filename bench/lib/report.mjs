// Medians, ranges, ratios and the budgets of ../shared/BUDGETS.md, as a table.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const MEASURES = [
  { key: 'bytes_before_first_question', label: 'bytes before first question works', unit: 'KiB' },
  { key: 'first_question_interactive_ms', label: 'first question interactive', unit: 'ms' },
  { key: 'slowest_interaction_ms', label: 'slowest interaction (Event Timing)', unit: 'ms' },
  { key: 'memory_bytes', label: 'memory after answering (heap+wasm)', unit: 'MiB' },
  { key: 'js_heap_bytes', label: '  of which JS heap', unit: 'MiB' },
  { key: 'wasm_memory_bytes', label: '  of which wasm memory', unit: 'MiB' },
  { key: 'answering_ms', label: 'answering 14 items, scripted', unit: 'ms' },
  { key: 'answer_and_submit_ms', label: 'answering 14 items + submit to result', unit: 'ms' },
];

// What Signpost must reach (BUDGETS.md). `ratioToFloor` budgets compare with the floor in this run.
export const BUDGETS = {
  desktop: {
    bytes_before_first_question: { max: 100 * 1024, text: '≤ 100 KiB' },
    first_question_interactive_ms: { max: 150, text: '≤ 150 ms' },
    memory_bytes: { max: 4 * 1024 * 1024, text: '≤ 4 MiB' },
  },
  phone: {
    bytes_before_first_question: { max: 100 * 1024, text: '≤ 100 KiB' },
    first_question_interactive_ms: { max: 800, text: '≤ 800 ms' },
    slowest_interaction_ms: { max: 32, text: '≤ 32 ms' },
    memory_bytes: { max: 4 * 1024 * 1024, text: '≤ 4 MiB' },
    answer_and_submit_ms: { ratioToFloor: 1.1, text: '≤ floor × 1.10' },
  },
};

// The first pages of a referral (bench/lib/first-pages.mjs): the same budgets for the first question.
export const FIRST_PAGE_MEASURES = [
  { key: 'start_usable_ms', label: '"Start now" usable', unit: 'ms' },
  { key: 'first_question_interactive_ms', label: 'first question usable (Start pressed)', unit: 'ms' },
  { key: 'bytes_before_first_question', label: 'bytes until first question usable', unit: 'KiB' },
  { key: 'slowest_interaction_ms', label: 'slowest interaction, first 3 pages', unit: 'ms' },
  { key: 'follow_up_page_ms', label: 'follow-up page shown (scripted)', unit: 'ms' },
];

export const FIRST_PAGE_BUDGETS = {
  desktop: {
    bytes_before_first_question: BUDGETS.desktop.bytes_before_first_question,
    first_question_interactive_ms: BUDGETS.desktop.first_question_interactive_ms,
  },
  phone: {
    bytes_before_first_question: BUDGETS.phone.bytes_before_first_question,
    first_question_interactive_ms: BUDGETS.phone.first_question_interactive_ms,
    slowest_interaction_ms: BUDGETS.phone.slowest_interaction_ms,
  },
};

export const SERVICE_BUDGETS = {
  throughput_per_s: { min: 1000, text: '≥ 1,000 /s' },
  p99_ms: { max: 50, text: '≤ 50 ms' },
  lost: { max: 0, text: '0' },
  peak_rss_bytes: { max: 64 * 1024 * 1024, text: '≤ 64 MiB' },
};

const fmt = (v, unit) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (unit === 'KiB') return (v / 1024).toFixed(1);
  if (unit === 'MiB') return (v / 1048576).toFixed(2);
  return Math.round(v).toString();
};

/** { median, min, max, n } of one measure over the successful runs. */
export function summarise(runs, key) {
  const xs = runs.filter((r) => r.ok && typeof r[key] === 'number').map((r) => r[key]);
  if (!xs.length) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

export function verdict(profile, key, stats, { budgets = BUDGETS, subject = 'signpost' } = {}) {
  const budget = budgets[profile]?.[key];
  const s = stats[subject]?.[key];
  if (!budget || !s) return null;
  if (budget.ratioToFloor) {
    const floor = stats.floor?.[key];
    if (!floor) return { budget: budget.text, pass: null };
    return { budget: budget.text, limit: floor.median * budget.ratioToFloor, pass: s.median <= floor.median * budget.ratioToFloor };
  }
  return { budget: budget.text, limit: budget.max, pass: s.median <= budget.max };
}

const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s, n) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/**
 * One profile's table: each page's median (min–max), each subject's ratio to each peer (a page
 * that is not a subject), and each subject's budget verdict. The follow-up check-in's table by
 * default (the subject `signpost`); the first pages' with their measures, budgets and subjects.
 */
export function table(profile, pages, stats, runsPerPage, { measures = MEASURES, budgets = BUDGETS, subjects = ['signpost'] } = {}) {
  const W = 24;
  const ours = pages.filter((p) => subjects.includes(p.id));
  const peers = pages.filter((p) => !subjects.includes(p.id));
  const prefix = (p) => (ours.length > 1 ? p.short : 'SP');
  const lines = [];
  lines.push(`${profile} — median (min–max) of ${runsPerPage} cold run(s) per page`);
  lines.push(pad('measure', 40) + pages.map((p) => lpad(p.name, W)).join('')
    + ours.flatMap((o) => peers.map((p) => lpad(`${prefix(o)} ÷ ${p.short}`, 14))).join('') + '  budget → result');
  for (const m of measures) {
    const cells = pages.map((p) => {
      const s = stats[p.id]?.[m.key];
      return lpad(s ? `${fmt(s.median, m.unit)} (${fmt(s.min, m.unit)}–${fmt(s.max, m.unit)})` : '–', W);
    });
    const ratios = ours.flatMap((o) => peers.map((p) => {
      const sp = stats[o.id]?.[m.key];
      const s = stats[p.id]?.[m.key];
      return lpad(sp && s && s.median ? (sp.median / s.median).toFixed(2) : "–", 14);
    }));
    const verdicts = ours.map((o) => {
      const v = verdict(profile, m.key, stats, { budgets, subject: o.id });
      if (!v) return null;
      const result = v.pass === null ? '?' : v.pass ? 'PASS' : 'FAIL';
      return { budget: `${v.budget}${v.limit !== undefined && v.budget.includes('floor') ? ` (${fmt(v.limit, m.unit)})` : ''}`, text: ours.length > 1 ? `${o.short} ${result}` : result };
    }).filter(Boolean);
    const verdictText = verdicts.length ? `  ${verdicts[0].budget} → ${verdicts.map((v) => v.text).join(', ')}` : '';
    lines.push(pad(`${m.label} [${m.unit}]`, 40) + cells.join('') + ratios.join('') + verdictText);
  }
  return lines.join('\n');
}

export const ENGINE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** The service's figures, one column per engine measured in this run, with each budget's verdict. */
export function serviceTable(byEngine, clients) {
  const engines = Object.keys(byEngine);
  const W = 30;
  // Each row: its name, its cell for one engine's results, and the budget it is judged by.
  const rows = [
    ['seconds of load', (r) => r.throughput.seconds.toFixed(1)],
    ['accepted (201)', (r) => String(r.throughput.accepted)],
    ['other answers', (r) => Object.entries(r.throughput.statuses).filter(([s]) => s !== '201').map(([s, n]) => `${s}: ${n}`).join(', ')
      + (Object.keys(r.throughput.errors).length ? ` errors: ${JSON.stringify(r.throughput.errors)}` : '') || 'none'],
    ['throughput (referrals/s)', (r) => String(Math.round(r.throughput.throughput_per_s)), 'throughput_per_s'],
    ['latency p50 / p99 / max (ms)', (r) => `${r.throughput.latency_ms.p50?.toFixed(1)} / ${r.throughput.latency_ms.p99?.toFixed(1)} / ${r.throughput.latency_ms.max?.toFixed(1)}`, 'p99_ms'],
    ['peak RSS of the server (MiB)', (r) => (r.throughput.peak_rss_bytes / 1048576).toFixed(1), 'peak_rss_bytes'],
    ['kill -9: acknowledged before', (r) => `${r.durability.acknowledged} at ${r.durability.killed_after_ms} ms`],
    ['kill -9: health after restart', (r) => String(r.durability.health_after_restart)],
    ['kill -9: acknowledged but lost', (r) => String(r.durability.lost), 'lost'],
  ];
  const lines = [`service — ${clients} concurrent clients posting valid referrals (release build)`];
  lines.push(pad('', 32) + engines.map((e) => lpad(ENGINE_NAMES[e], W)).join('') + '  budget');
  for (const [name, cell, budget] of rows) {
    const shown = (r) => (budget ? `${cell(r)} ${r.verdicts[budget].pass ? 'PASS' : 'FAIL'}` : cell(r));
    lines.push(pad(name, 32) + engines.map((e) => lpad(shown(byEngine[e]), W)).join('') + (budget ? `  ${SERVICE_BUDGETS[budget].text}` : ''));
  }
  if (byEngine.postgres) lines.push('(on PostgreSQL the peak RSS is signpost-server\'s alone; the database server\'s own memory is not in it)');
  return lines.join('\n');
}

