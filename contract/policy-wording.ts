// How a cleanup policy's rule reads in words, for the dashboard and for the server's change log
// alike. No zod here: the dashboard imports it at run time (see constants.ts).

export interface PolicyRuleWords {
  stuck: boolean;
  stuck_after_minutes: number | null;
  older_than_minutes: number | null;
  client: string | null;
  purpose: string | null;
}

/** "90 min", "2 h", "3 d" (whole units only; otherwise minutes). */
export function minutesInWords(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/**
 * The conditions of a rule, e.g. ["stuck (idle ≥ 30 min, or too slow to finish)", "older than 2 h",
 * "client team-a", "purpose batch"]; every one must hold, on pending uploads.
 * `consoleStuckMinutes` is the console's own threshold, used when the rule keeps it.
 */
export function policyConditions(rule: PolicyRuleWords, consoleStuckMinutes?: number): string[] {
  const conditions: string[] = [];
  if (rule.stuck) {
    const idle = rule.stuck_after_minutes ?? consoleStuckMinutes;
    conditions.push(idle === undefined ? 'stuck' : `stuck (idle ≥ ${minutesInWords(idle)}, or too slow to finish before it expires)`);
  }
  if (rule.older_than_minutes !== null) conditions.push(`older than ${minutesInWords(rule.older_than_minutes)}`);
  if (rule.client !== null) conditions.push(`client ${rule.client}`);
  if (rule.purpose !== null) conditions.push(`purpose ${rule.purpose}`);
  return conditions;
}

/** The whole rule in one line: "Cancel pending uploads that are stuck (…) and older than 2 h". */
export function describePolicyRule(rule: PolicyRuleWords, consoleStuckMinutes?: number): string {
  const conditions = policyConditions(rule, consoleStuckMinutes);
  return conditions.length ? `Cancel pending uploads: ${conditions.join(', ')}` : 'Cancel pending uploads';
}
