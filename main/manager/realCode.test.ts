// The pipeline on real bugs of real libraries (testkit/realbugs: each library at the parent of its
// real fix, with the real issue text). Scripted workers give a correct repro, one that raises the
// issue's exception type in its own code, one that only prints the issue's error text, and one that
// passes; triage gives the right hypothesis (at the lines the real fix changed, less confident) and a
// wrong one next to a caller frame (more confident). Real codex, tmux, git and bubblewrap.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SelectedCandidateFile } from '../../common/artifacts';
import { harnessPerTest } from '../../testkit/runHarness';
import { createRealBugRepo, loadRealBug, REAL_BUGS, type RealBug } from '../../testkit/realBugs';
import type { ScenarioInput } from '../agents/scenario';
import { parseJsonArtifact } from '../runs/runStore';
import { runManager } from './pipeline';

const harness = harnessPerTest();

/** The issue's way of importing (`require('js-yaml')`), not the fixture's `require(process.cwd())`. */
function asTheIssueImports(bug: RealBug, script: string): string {
  return bug.language === 'javascript' ? script.replace('require(process.cwd())', "require('js-yaml')") : script;
}

/** A reduction that replaces the bug with its own raise of the same exception: never kept. */
function bugReplacingReduction(bug: RealBug): string {
  return bug.language === 'javascript'
    ? `throw new TypeError(${JSON.stringify(bug.failure.message)});\n`
    : `raise ${bug.failure.exception_type}(${JSON.stringify(bug.failure.message)})\n`;
}

function scenario(bug: RealBug, repros: Array<keyof RealBug['candidates']>): ScenarioInput {
  const agents: ScenarioInput['agents'] = repros.map((name, i) => {
    const c = bug.candidates[name];
    return {
      role: 'REPRO_BUILDER',
      worker: `w${i + 1}`,
      steps: [{ message: JSON.stringify({ ...c, candidate_id: name, script: asTheIssueImports(bug, c.script) }) }],
    };
  });
  const n = repros.length;
  agents.push({
    role: 'REDUCER',
    worker: 'manager',
    steps: [{ message: JSON.stringify({ script: bugReplacingReduction(bug) }) }],
  });
  agents.push({ role: 'TRIAGER', worker: `w${n + 1}`, steps: [{ message: JSON.stringify(bug.hypotheses) }] });
  for (let i = 2; i <= n; i++) {
    const nowhere = {
      hypotheses: [
        {
          hypothesis_id: `w${n + i}-h1`,
          mechanism: 'A guess about a file that is not in the repository.',
          evidence: [{ file: 'not/in/the/repository.py', line: 1, snippet: 'pass' }],
          confidence: 0.99,
          disconfirming_checks: [],
        },
      ],
    };
    agents.push({ role: 'TRIAGER', worker: `w${n + i}`, steps: [{ message: JSON.stringify(nowhere) }] });
  }
  return { agents };
}

describe.each(REAL_BUGS)('a real bug: %s', (name) => {
  it('chooses the real reproduction, says why each other one is not, minimizes through the library, and ranks the real cause first', async () => {
    const bug = await loadRealBug(name);
    const h = await harness({
      scenario: scenario(bug, ['correct', 'own_code', 'quotes_issue', 'passes']),
      repo: (dir) => createRealBugRepo(bug, dir),
      manager: { workers: 4 },
    });
    const res = await runManager({ request: h.request() });
    const a = await h.readRun(res.runId);
    const inner = bug.failure.innermost_repo_frame;

    expect(a.decision.status, a.decision.rationale).toBe('ok');
    expect(a.decision.selected_repro_candidate_id).toBe('correct');
    expect(a.candidates.w1).toMatchObject({ eligible: true, rejection_reason: null });
    expect(a.candidates.w2?.rejection_reason).toMatch(
      new RegExp(`it fails with ${bug.failure.exception_type} but in its own code, not in the repository`),
    );
    expect(a.candidates.w3?.rejection_reason).toMatch(/but raises nothing: no traceback through the repository/);
    expect(a.candidates.w4?.rejection_reason).toMatch(/exited 0/);

    // The minimal repro still fails through the library, where the real bug raises.
    const selected = parseJsonArtifact(
      a.paths.selectedCandidate,
      await readFile(a.paths.selectedCandidate, 'utf8'),
      SelectedCandidateFile,
    );
    expect(selected.minimal_validation?.passed).toBe(true);
    expect(selected.minimal_validation?.repo_frames).toContain(`${inner.file}:${inner.func}`);
    expect(selected.reduction!.lines_final).toBeLessThan(selected.reduction!.lines_before_llm);
    expect(a.decision.diagnostics.join('\n')).toMatch(/reducer: rejected/); // it replaced the bug
    expect(a.decision.repro?.validation?.passed).toBe(true);

    // The real cause ranks first, at the lines the real fix changed, though it was less confident.
    const top = a.decision.top_hypotheses[0]!;
    const correct = bug.hypotheses.hypotheses[0]!;
    const wrong = bug.hypotheses.hypotheses[1]!;
    expect(correct.confidence).toBeLessThan(wrong.confidence);
    expect(top.hypothesis_id).toBe(correct.hypothesis_id);
    const fixed = new Set(bug.fixLines.flatMap((f) => f.lines.map((l) => `${f.file}:${l}`)));
    expect(top.evidence.some((e) => fixed.has(`${e.file}:${e.line}`))).toBe(true);
    expect(a.decision.top_hypotheses.map((t) => t.hypothesis_id)).toContain(wrong.hypothesis_id);

    // The Python prototype's artifact fields are there too.
    expect(a.hypotheses?.hypotheses).toEqual(a.hypotheses?.ranked);
    expect(a.runDone).toMatchObject({
      decision_json: a.paths.decision,
      final_md: a.paths.finalReport,
      completed_at: a.runDone.finished_at,
    });
    await h.assertClean();
  }, 240_000);
});

describe('when nothing really reproduces', () => {
  it('decides needs-human, naming the closest candidate and why it was rejected', async () => {
    const bug = await loadRealBug('tabulate-312');
    const h = await harness({
      scenario: scenario(bug, ['quotes_issue', 'own_code', 'passes']),
      repo: (dir) => createRealBugRepo(bug, dir),
      manager: { workers: 3 },
    });
    const res = await runManager({ request: h.request() });
    const a = await h.readRun(res.runId);
    expect(a.decision.status).toBe('needs-human');
    expect(a.decision.selected_repro_candidate_id).toBeNull();
    expect(a.decision.rationale).toMatch(
      /^No deterministic reproducer: no candidate reproduces the issue \(each needs 2 matching runs\)\. Closest: w2 \(own_code\) — it fails with TypeError but in its own code, not in the repository/,
    );
    expect(a.decision.rationale).toMatch(/Others: w1: it exits 1 with .* but raises nothing: .*; w3: the oracle exited 0/);
    await h.assertClean();
  }, 180_000);
});
