import type { ControlResponse } from "@/lib/contract/responses";
import type { CliContext } from "../context";
import { CliError, EXIT, type ExitCode } from "../exit-codes";

/** `pause`, `resume`, `stop [--reason]`, `concurrency <n>`: one request each; the server's message is the answer. */
export type Control =
  | { action: "pause" }
  | { action: "resume" }
  | { action: "stop"; reason?: string }
  | { action: "concurrency"; value: string };

export async function controlCommand(ctx: CliContext, executionId: string, control: Control): Promise<ExitCode> {
  const { client } = ctx;
  let answer: ControlResponse;
  switch (control.action) {
    case "pause":
      answer = await client.pauseExecution(executionId);
      break;
    case "resume":
      answer = await client.resumeExecution(executionId);
      break;
    case "stop":
      answer = await client.stopExecution(executionId, control.reason ? { reason: control.reason } : {});
      break;
    case "concurrency": {
      if (!/^\d+$/.test(control.value) || Number(control.value) < 1)
        throw new CliError(`concurrency must be a whole number from 1, got "${control.value}"`, EXIT.usage);
      answer = await client.adjustConcurrency(executionId, Number(control.value));
      break;
    }
  }
  if (ctx.json) ctx.out(JSON.stringify(answer));
  else ctx.out(`${answer.message} (execution ${answer.execution.id} is ${answer.execution.status})`);
  return EXIT.ok;
}
