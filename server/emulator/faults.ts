// Scripted failures for the four upload operations, so the proxy's retry and recording paths
// can be exercised against a server that misbehaves on cue.
import { z } from 'zod';

export const FAULT_OPERATIONS = ['create', 'parts', 'complete', 'cancel'] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

export const faultRuleSchema = z
  .strictObject({
    operation: z.enum([...FAULT_OPERATIONS, 'any']),
    /** Answer with the OpenAI envelope for this status instead of handling the call. */
    status: z.int().min(400).max(599).optional(),
    /** Wait this long first; then answer with `status`, or handle the call normally. */
    delay_ms: z.int().min(0).max(600_000).optional(),
    /** Destroy the TCP socket without answering. */
    reset: z.boolean().optional(),
    /** How many calls this rule hits; null = every call until cleared. */
    count: z.int().min(1).nullable().default(1),
    /** Seconds, sent as `retry-after` and `retry-after-ms` with the status. */
    retry_after: z.number().min(0).max(3600).optional(),
    /** Replaces the envelope's default message for the status. */
    message: z.string().min(1).max(2000).optional(),
  })
  .refine((rule) => rule.status !== undefined || rule.delay_ms !== undefined || rule.reset === true, {
    error: 'a fault needs at least one of status, delay_ms or reset: true',
  })
  .refine((rule) => !(rule.reset && rule.status !== undefined), {
    error: 'a reset sends no answer, so it cannot carry a status',
    path: ['status'],
  })
  .refine((rule) => rule.status !== undefined || (rule.retry_after === undefined && rule.message === undefined), {
    error: 'retry_after and message go with a status',
    path: ['status'],
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema>;

/** What one call must suffer. */
export type Fault = Omit<FaultRule, 'operation' | 'count'>;

export class FaultInjector {
  private rules: { rule: FaultRule; remaining: number | null }[] = [];

  /** Adds a rule after the existing ones; throws a ZodError when the rule is malformed. */
  add(input: FaultRuleInput): FaultRule {
    const rule = faultRuleSchema.parse(input);
    this.rules.push({ rule, remaining: rule.count });
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, from the oldest matching rule (which it uses up), if any. */
  take(operation: FaultOperation): Fault | undefined {
    const index = this.rules.findIndex(({ rule }) => rule.operation === operation || rule.operation === 'any');
    const entry = this.rules[index];
    if (!entry) return undefined;
    if (entry.remaining !== null && --entry.remaining === 0) this.rules.splice(index, 1);
    const { operation: _operation, count: _count, ...fault } = entry.rule;
    return fault;
  }
}
