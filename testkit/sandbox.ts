// The sandbox tests run untrusted commands in: bubblewrap, required (CI installs it; a missing one fails loudly).
import {
  DEFAULT_SANDBOX,
  resolveSandbox,
  type Sandbox,
  type SandboxContext,
  type SandboxSettings,
} from '../main/process/sandbox';

export function testSandbox(over: Partial<SandboxSettings> = {}, ctx: SandboxContext = {}): Promise<Sandbox> {
  return resolveSandbox({ ...DEFAULT_SANDBOX, mode: 'bwrap', ...over }, ctx);
}
