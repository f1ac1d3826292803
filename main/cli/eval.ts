// `mminions eval`: the bug-fix evaluation harness (main/eval/; see docs/eval.md).
export { run } from '../eval/cli';
