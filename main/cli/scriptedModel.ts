// `mminions scripted-model`: serve a scenario's scripted answers on loopback (tests, benchmarks, demo).
import { runScriptedModelCli } from '../agents/scriptedModel';

export function run(argv: string[]): Promise<number> {
  return runScriptedModelCli(argv);
}
