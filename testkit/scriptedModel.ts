// Starts the scripted model for a test and gives the codex settings that point at it.
import { codexConfigArgs } from '../main/config/config';
import { scriptedCodexConfig } from '../main/agents/offline';
import type { Scenario, ScenarioInput } from '../main/agents/scenario';
import { startScriptedModel, type ScriptedModel, type ScriptedModelOptions } from '../main/agents/scriptedModel';

export { SCRIPTED_PROVIDER, scriptedCodexConfig } from '../main/agents/offline';

export interface TestModel extends ScriptedModel {
  /** The [codex.config] table (Config.codex.config) selecting this server as the model provider. */
  codexConfig: Record<string, unknown>;
  /** The same as `-c key=value` arguments for codex. */
  codexArgs: string[];
}

export async function startTestModel(
  scenario: Scenario | ScenarioInput,
  opts: Pick<ScriptedModelOptions, 'verbose' | 'onRequest'> = {},
): Promise<TestModel> {
  const model = await startScriptedModel({ scenario, ...opts });
  const codexConfig = scriptedCodexConfig(model.url);
  const codexArgs = codexConfigArgs(codexConfig).flatMap((kv) => ['-c', kv]);
  return Object.assign(model, { codexConfig, codexArgs });
}

/** Runs `fn` with a scripted model that is closed afterwards, whatever happens. */
export async function withScriptedModel<T>(scenario: Scenario | ScenarioInput, fn: (m: TestModel) => Promise<T>): Promise<T> {
  const model = await startTestModel(scenario);
  try {
    return await fn(model);
  } finally {
    await model.close();
  }
}
