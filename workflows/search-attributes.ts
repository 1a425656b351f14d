/**
 * The custom search attributes every Temporal server we use must have registered
 * (DESIGN.md "Search attributes"). One name, one place: the workflows upsert these
 * keys, the API and the CLI query them, and the server launchers register them.
 * No PHI ever goes into a search attribute: only ids, codes and stages.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DmeStage = defineSearchAttributeKey('DmeStage', SearchAttributeType.KEYWORD);
export const DmeBlockedOn = defineSearchAttributeKey('DmeBlockedOn', SearchAttributeType.KEYWORD);
export const DmePayer = defineSearchAttributeKey('DmePayer', SearchAttributeType.KEYWORD);
export const DmeHcpcs = defineSearchAttributeKey('DmeHcpcs', SearchAttributeType.KEYWORD_LIST);
export const DmeFollowUpAt = defineSearchAttributeKey('DmeFollowUpAt', SearchAttributeType.DATETIME);
export const DmeRentalMonth = defineSearchAttributeKey('DmeRentalMonth', SearchAttributeType.INT);

/** A resupply plan's next outreach (or, once ordered, none): `DmeResupplyDue < "2027-03-01T00:00:00Z"` lists the plans due. */
export const DmeResupplyDue = defineSearchAttributeKey('DmeResupplyDue', SearchAttributeType.DATETIME);

export const dmeSearchAttributes = [DmeStage, DmeBlockedOn, DmePayer, DmeHcpcs, DmeFollowUpAt, DmeRentalMonth, DmeResupplyDue];

/** The `temporal` CLI's spelling of each type, for `--search-attribute Name=Type`. */
const cliTypeNames: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  DATETIME: 'Datetime',
  INT: 'Int',
};

export function searchAttributeCliArgs(): string[] {
  return dmeSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}
