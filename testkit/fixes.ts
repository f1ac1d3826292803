// What fix-phase tests share: the right fix of the sample's bug as a shell command (an agent's real edit), and a fix record to vary.
import type { FixRecord } from '../common/artifacts';

/** The right fix of the statsmini convolve bug, as an agent would make it: the swap moves after the emptiness checks. */
export const MOVE_CHECKS_BEFORE_SWAP = `python3 - <<'PY'
from pathlib import Path
p = Path("statsmini/core.py")
lines = p.read_text().split("\\n")
i = lines.index("    # Convolution is commutative: loop over the shorter sequence.")
swap = lines[i:i + 3]
del lines[i:i + 3]
j = lines.index('        raise ValueError("kernel cannot be empty")') + 1
lines[j:j] = swap
p.write_text("\\n".join(lines))
PY`;

/** A verified fix record of w5 for w3/h1, one changed line each way; `over` changes what a test needs. */
export function fixRecord(fix_id: string, over: Partial<FixRecord> = {}): FixRecord {
  return {
    fix_id,
    worker_id: 'w5',
    hypothesis_id: 'h1',
    hypothesis_worker: 'w3',
    summary: '',
    files_changed: [],
    files_patched: ['a.py'],
    patch_path: null,
    patch_lines: { added: 1, removed: 1 },
    check: null,
    verdict: 'verified',
    reason: '',
    own_check: { fails_before: true, passes_after: true },
    other_checks: { passed: 0, total: 0 },
    grid: [],
    tests: null,
    created_at: '',
    ...over,
  };
}
