// What a person reads at the end of a run: final.md and the manager's closing stdout summary.
import type {
  CandidateFile,
  Decision,
  FixRecord,
  FixSummaryFile,
  HypothesesFile,
  IssueSpec,
  RankedHypothesis,
  Usage,
} from '../../common/artifacts';
import { clip, stripControls } from '../../common/text';

export interface ReportInput {
  runId: string;
  runDir: string;
  decision: Decision;
  issue: IssueSpec | null;
  candidates: CandidateFile[];
  minimalScript: string | null;
  hypotheses: HypothesesFile | null;
  /** The fix phase's summary (null: it did not run) and the best verified patch's text. */
  fix?: FixSummaryFile | null;
  bestPatch?: string | null;
}

const fence = (text: string, lang = '') => {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
};

/** Text as inline code: on one line, in a run of backticks longer than any inside it. */
export function inlineCode(text: string): string {
  const one = stripControls(text).replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 || one.startsWith(' ') || one.endsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${one}${pad}${ticks}`;
}

/**
 * Untrusted text (the issue's, an agent's) as plain markdown text: every character markdown acts on
 * is escaped, and what would start a heading, a list, a quote, a setext underline or a code block
 * at the start of a line is too. Without it a hypothesis could write its own "## Fix" section, a
 * "Status: ok" or a link, and look like the manager's verdict in final.md and the dashboard.
 */
export function mdText(text: string): string {
  // Controls first: stripping one later (the whole report is cleaned again) must not bring a line-start marker back.
  return stripControls(text)
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s+/, '')
        .replace(/[\\`*_[\]<>#|!~&]/g, '\\$&')
        // No bare autolinks either (a URL, www., an e-mail address): the text stays text.
        .replace(/:\/\//g, '\\://')
        .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
        .replace(/@/g, '\\@')
        .replace(/^([-+=])/, '\\$1')
        .replace(/^(\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/** Untrusted text on one line (mdText with newlines folded). */
const mdLine = (text: string) => mdText(text.replace(/\s*\n\s*/g, ' '));

function usageLine(u: Usage): string {
  return `${u.input_tokens} input (${u.cached_input_tokens} cached), ${u.output_tokens} output, ${u.turns} turns`;
}

function hypothesisMd(h: RankedHypothesis, i: number): string {
  const parts = Object.entries(h.score_parts)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
  const ev = h.evidence.map(
    (e) => `- ${inlineCode(`${e.file}:${e.line}`)}: ${inlineCode(clip(e.snippet.trim().split('\n')[0]!, 200))}`,
  );
  return [
    `### ${i + 1}. ${mdLine(clip(h.mechanism.split('\n')[0]!, 160))}`,
    '',
    ...(h.confirmed_by_fix ? [`**Confirmed by fix ${h.confirmed_by_fix}** (verified by execution).`, ''] : []),
    `Worker ${h.worker_id} (${mdLine(h.hypothesis_id)}); score ${h.score.toFixed(3)} (${parts}); confidence ${h.confidence}; agreeing workers: ${h.agreeing_workers.length ? h.agreeing_workers.join(', ') : 'none'}.`,
    '',
    // The agent's prose as it wrote it, in a fence: readable, and nothing in it acts as markdown.
    fence(h.mechanism, 'text'),
    '',
    '**Evidence**',
    '',
    ...ev,
    ...(h.disconfirming_checks.length
      ? ['', '**Disconfirming checks**', '', ...h.disconfirming_checks.map((c) => `- ${mdLine(c)}`)]
      : []),
  ].join('\n');
}

export function renderFinalReport(r: ReportInput): string {
  const d = r.decision;
  const lang = d.repro?.path?.split('.').pop() ?? '';
  const lines: string[] = [
    `# mminions run ${r.runId}`,
    '',
    `**Status: ${d.status}**`,
    '',
    mdText(d.rationale),
    '',
    '## Issue',
    '',
    r.issue ? `${mdLine(r.issue.title)}${r.issue.issue_url ? ` — ${r.issue.issue_url}` : ''}` : '(issue not read)',
    '',
  ];
  if (r.issue?.expected_failure_signals.length) {
    lines.push(`Expected failure signals: ${r.issue.expected_failure_signals.map((s) => inlineCode(s)).join(', ')}`, '');
  }
  lines.push('## Reproduction', '');
  if (d.repro?.path && r.minimalScript !== null) {
    const v = d.repro.validation;
    lines.push(
      `Selected candidate: ${inlineCode(d.selected_repro_candidate_id ?? '(none)')}. Minimal repro: ${inlineCode(d.repro.path)}`,
      '',
      fence(r.minimalScript, lang === 'py' ? 'python' : lang),
      '',
      `Oracle: ${d.repro.oracle_command ? inlineCode(d.repro.oracle_command) : '(none)'}`,
      '',
      `Failure: ${d.repro.claimed_failure_signature ? inlineCode(d.repro.claimed_failure_signature) : '(none)'}${v ? ` — matched ${v.matches} of ${v.total_runs} runs` : ''}.`,
      '',
    );
    const red = d.metrics.reduction;
    if (red) {
      lines.push(
        `Minimization: ${red.lines_before_llm} → ${red.lines_after_llm} (LLM${red.llm_accepted ? '' : ', not kept'}) → ${red.lines_final} lines; ${red.oracle_runs} oracle runs, ${red.cache_hits} cache hits, ${red.seconds.toFixed(1)} s.`,
        '',
      );
    }
  } else {
    lines.push('No validated reproduction.', '');
  }
  if (r.candidates.length) {
    lines.push('| worker | candidate | matches | score | verdict |', '|---|---|---|---|---|');
    for (const c of r.candidates) {
      const verdict = c.eligible ? 'eligible' : `rejected: ${c.rejection_reason ?? 'not validated'}`;
      lines.push(
        `| ${c.worker_id} | ${mdLine(c.candidate_id)} | ${c.validation.matches}/${c.validation.total_runs} | ${c.score.toFixed(3)} | ${mdLine(verdict)} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Hypotheses', '');
  if (d.top_hypotheses.length) lines.push(...d.top_hypotheses.map((h, i) => `${hypothesisMd(h, i)}\n`));
  else lines.push('No hypothesis with valid evidence.', '');
  if (r.hypotheses?.dropped.length) {
    lines.push(
      'Dropped (no valid evidence):',
      '',
      ...r.hypotheses.dropped.map((x) => `- ${x.worker_id}/${mdLine(x.hypothesis_id)}: ${mdLine(x.reason)}`),
      '',
    );
  }
  lines.push(...fixSection(d, r.fix ?? null, r.bestPatch ?? null));
  lines.push(
    '## Next fix targets',
    '',
    ...(d.next_fix_targets.length ? d.next_fix_targets.map((t) => `- ${mdLine(t)}`) : ['None identified.']),
    '',
  );
  const t = d.metrics.tokens;
  lines.push(
    '## Metrics',
    '',
    `- Time: ${Object.entries(d.metrics.timing_sec)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
    `- Tokens, workers: ${usageLine(t.workers)}`,
    `- Tokens, manager: ${usageLine(t.manager)}`,
    `- Tokens, total: ${usageLine(t.total)}`,
    `- Models: workers ${d.metrics.model_routing.worker_model}, manager ${d.metrics.model_routing.manager_model}`,
    '',
  );
  if (d.diagnostics.length) lines.push('## Diagnostics', '', ...d.diagnostics.map((x) => `- ${mdLine(x)}`), '');
  lines.push(`Artifacts: ${inlineCode(r.runDir)}`, '');
  return stripControls(lines.join('\n'));
}

/** One fix's verification in words: its verdict, then each repro, check and the tests with its patch. */
export function fixInWords(f: FixRecord): string {
  const rows = f.grid.map((g) => {
    const name = g.kind === 'minimal_repro' ? 'minimal repro' : g.kind === 'repro' ? `repro ${g.id}` : `check of ${g.id}`;
    const before = g.before ? `${g.before.outcome}` : 'not run';
    return `${name}: before — ${before}; with the patch — ${g.after.outcome}${g.ok ? ' (ok)' : ''}`;
  });
  if (f.tests) {
    rows.push(
      `tests (${inlineCode(f.tests.command)}): before — ${f.tests.before.outcome}; with the patch — ${f.tests.after.outcome}${f.tests.new_failures.length ? `; new failures: ${f.tests.new_failures.map((x) => inlineCode(x)).join(', ')}` : ''}`,
    );
  }
  const head = `**${mdLine(f.fix_id)}** (${f.worker_id}, hypothesis ${f.hypothesis_worker}/${mdLine(f.hypothesis_id)}, +${f.patch_lines.added} -${f.patch_lines.removed}): **${f.verdict}** — ${mdLine(f.reason)}`;
  return [head, ...rows.map((x) => `  - ${x}`)].join('\n');
}

function fixSection(d: Decision, fix: FixSummaryFile | null, bestPatch: string | null): string[] {
  if (!d.fix) return [];
  const lines = ['## Fix', ''];
  if (d.fix.status === 'off') return [...lines, `Fix phase skipped: ${mdLine(d.fix.note ?? 'off')}.`, ''];
  if (d.fix.status === 'verified' && d.fix.best_patch_path) {
    lines.push(
      `Best verified fix: ${inlineCode(d.fix.best_fix_id ?? '(none)')} — fail-to-pass proven: ${d.fix.repro_fail_to_pass ? 'yes' : 'no'}. Apply it with ${inlineCode(`git apply ${d.fix.best_patch_path}`)} in your checkout.`,
      '',
    );
    if (bestPatch) lines.push(fence(bestPatch, 'diff'), '');
  } else lines.push(`No fix verified.`, '');
  if (fix?.fixes.length) lines.push(...fix.fixes.map((f) => `- ${fixInWords(f)}`), '');
  return lines;
}

/** The closing summary the manager prints to stdout. */
export function renderSummary(runDir: string, d: Decision): string {
  const t = d.metrics.tokens.total;
  const out = ['', '================ mminions summary ================', `status:     ${d.status}`, `rationale:  ${d.rationale}`];
  if (d.repro?.path) out.push(`repro:      ${d.repro.path}`, `oracle:     ${d.repro.oracle_command}`);
  out.push('top hypotheses:');
  if (!d.top_hypotheses.length) out.push('  (none)');
  d.top_hypotheses.forEach((h, i) => {
    const ev = h.evidence[0];
    out.push(
      `  ${i + 1}. [${h.score.toFixed(2)}] ${clip(h.mechanism.split('\n')[0]!, 110)}${ev ? ` (${ev.file}:${ev.line})` : ''}`,
    );
  });
  if (d.fix?.status === 'verified') {
    out.push(
      `fix:        ${d.fix.best_fix_id} verified${d.fix.repro_fail_to_pass ? ' (fail-to-pass proven)' : ''}`,
      `            apply it in your checkout: git apply ${d.fix.best_patch_path}`,
    );
  } else if (d.fix) out.push(`fix:        ${d.fix.status === 'off' ? 'off' : 'none verified'} — ${clip(d.fix.note ?? '', 300)}`);
  out.push('next fix targets:', ...(d.next_fix_targets.length ? d.next_fix_targets.map((x) => `  - ${x}`) : ['  (none)']));
  out.push(
    `tokens:     ${t.input_tokens} input / ${t.cached_input_tokens} cached / ${t.output_tokens} output (workers ${d.metrics.tokens.workers.input_tokens + d.metrics.tokens.workers.output_tokens}, manager ${d.metrics.tokens.manager.input_tokens + d.metrics.tokens.manager.output_tokens})`,
    `timing:     ${Object.entries(d.metrics.timing_sec)
      .map(([k, v]) => `${k} ${v.toFixed(1)}s`)
      .join(', ')}`,
  );
  if (d.diagnostics.length) out.push('diagnostics:', ...d.diagnostics.slice(0, 10).map((x) => `  - ${x}`));
  out.push(`artifacts:  ${runDir}`, '==================================================');
  return stripControls(out.join('\n'));
}
