// Classic line ddmin, the baseline of the minimization benchmark: lines only, sequential probes,
// no cache of seen variants, no syntax pre-check, no comment stripping, no block awareness.
import { ddmin } from '../main/manager/minimize/ddmin';

export interface ClassicResult {
  script: string;
  linesBefore: number;
  linesAfter: number;
  /** Calls of `reproduces`: the initial check plus every ddmin probe (repeats run again: no cache). */
  oracleRuns: number;
}

const joinLines = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');

export async function classicDdmin(script: string, reproduces: (script: string) => Promise<boolean>): Promise<ClassicResult> {
  const lines = script.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  let oracleRuns = 0;
  const test = async (subset: string[]) => {
    oracleRuns++;
    return reproduces(joinLines(subset));
  };
  if (!(await test(lines))) return { script, linesBefore: lines.length, linesAfter: lines.length, oracleRuns };
  const reduced = await ddmin(lines, test, { parallelism: 1 });
  return { script: joinLines(reduced), linesBefore: lines.length, linesAfter: reduced.length, oracleRuns };
}
