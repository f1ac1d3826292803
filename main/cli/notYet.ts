// Placeholder for commands whose implementation lands with a later issue: says so, exits non-zero.
export function notYet(command: string, issue: number): (argv: string[]) => Promise<number> {
  return async () => {
    console.error(`mminions ${command}: not available yet in this build (tracked in issue ${issue}).`);
    return 69;
  };
}
