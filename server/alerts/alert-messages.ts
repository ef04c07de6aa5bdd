// What the alert webhook is sent: a Slack-compatible JSON body (`text`, the fallback every
// receiver reads, and `blocks` for Slack's layout), with a link to the console's filtered view
// when the console's public origin is known. The wording is here, once.
import type { PolicyRun as ContractPolicyRun } from '#contract/policies.ts';

export interface AlertBody {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

/** What a policy run reports (the policy runner hands its finished run to alerts.policyRun). */
export type PolicyRun = Pick<ContractPolicyRun, 'policy_name' | 'matched' | 'cancelled' | 'failed' | 'job_id'>;

const number = new Intl.NumberFormat('en-US');
const uploads = (n: number) => `${number.format(n)} upload${n === 1 ? '' : 's'}`;

/** Slack's mrkdwn reads &, < and > as markup: a name containing them is shown as written. */
const escapeMrkdwn = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function body(plain: string, mrkdwn: string, link: { url: string; label: string } | null): AlertBody {
  return {
    text: link ? `${plain} ${link.label}: ${link.url}` : plain,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: link ? `${mrkdwn} <${link.url}|${link.label}>` : mrkdwn } }],
  };
}

export function stuckRoseMessage(stuck: number, threshold: number, consoleUrl: string | null): AlertBody {
  const plain = `Uploads Console: ${uploads(stuck)} stuck, above the alert threshold of ${number.format(threshold)}.`;
  return body(plain, `:warning: *${uploads(stuck)} stuck*, above the alert threshold of ${number.format(threshold)}.`, stuckLink(consoleUrl));
}

export function stuckFellMessage(stuck: number, threshold: number, consoleUrl: string | null): AlertBody {
  const plain = `Uploads Console: stuck uploads are back to ${number.format(stuck)}, at or below the alert threshold of ${number.format(threshold)}.`;
  return body(plain, `:white_check_mark: Stuck uploads are back to *${number.format(stuck)}*, at or below the alert threshold of ${number.format(threshold)}.`, stuckLink(consoleUrl));
}

export function policyRunMessage(run: PolicyRun, consoleUrl: string | null): AlertBody {
  const failed = run.failed > 0 ? `, ${number.format(run.failed)} failed` : '';
  const counts = `${uploads(run.cancelled)} (${number.format(run.matched)} matched${failed})`;
  const plain = `Uploads Console: policy "${escapeMrkdwn(run.policy_name)}" cancelled ${counts}.`;
  // The run's own cancels (its bulk job), which a later rename of the policy does not change.
  const link = consoleUrl ? { url: `${consoleUrl}/audit?${new URLSearchParams({ job_id: run.job_id }).toString()}`, label: 'See its cancels in the audit log' } : null;
  return body(plain, `:broom: Policy *${escapeMrkdwn(run.policy_name)}* cancelled ${counts}.`, link);
}

function stuckLink(consoleUrl: string | null) {
  return consoleUrl ? { url: `${consoleUrl}/?stuck=true`, label: 'Open the Stuck view' } : null;
}
