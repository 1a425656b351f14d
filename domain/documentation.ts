/**
 * What an order needs on file before the supplier may deliver or bill (DOMAIN.md §5).
 * CMN and DIF forms were eliminated for dates of service from 2023-01-01 and claims
 * carrying them reject, so they are not a DocumentKind and are never required.
 */
import { type Catalog, catalogEntry, defaultCatalog } from './catalog';
import type { PayerPolicy } from './payer-policy';
import type { DocumentKind, OrderItem } from './types';

/** When the document must be in hand: the delivery stage waits for `before-delivery` ones. */
export type DocumentDue = 'before-delivery' | 'at-delivery' | 'before-claim';

export interface RequiredDocument {
  kind: DocumentKind;
  due: DocumentDue;
  /** Order items the document is needed for. */
  itemIds: string[];
  /** The rules that ask for it, one per distinct rule, for the staff who chase it. */
  reasons: string[];
}

/** How staff and billers call each document. */
export const documentLabels: Record<DocumentKind, string> = {
  'standard-written-order': 'standard written order',
  'face-to-face-note': 'face-to-face encounter note',
  'written-order-prior-to-delivery': 'written order prior to delivery',
  'medical-record': 'medical record',
  'sleep-study': 'sleep study',
  'oxygen-test': 'oxygen qualifying test',
  abn: 'ABN (advance beneficiary notice)',
  'proof-of-delivery': 'proof of delivery',
};

const documentOrder: DocumentKind[] = [
  'standard-written-order',
  'face-to-face-note',
  'written-order-prior-to-delivery',
  'medical-record',
  'sleep-study',
  'oxygen-test',
  'abn',
  'proof-of-delivery',
];
const dueOrder: DocumentDue[] = ['before-delivery', 'at-delivery', 'before-claim'];

/**
 * The documents an order needs, one entry per kind (an order's single written order
 * covers all its items):
 * - a standard written order always — before delivery for items on the face-to-face
 *   list, otherwise before the claim;
 * - a face-to-face note (visit within 6 months before the order) and the written order
 *   prior to delivery for items on that list, where the payer applies it;
 * - the medical record, sleep study or oxygen test an item's policy names;
 * - an ABN before delivery when one is on file (the claim says GA) or a denial is
 *   expected (without it the claim goes GZ and the supplier is liable);
 * - proof of delivery, captured at delivery.
 * A code missing from the catalog asks for the medical record with a reason saying so,
 * rather than silently needing nothing.
 */
export function requiredDocuments(
  items: readonly OrderItem[],
  payer: Pick<PayerPolicy, 'faceToFaceListApplies'>,
  catalog: Catalog = defaultCatalog,
): RequiredDocument[] {
  const byKind = new Map<DocumentKind, RequiredDocument>();
  const need = (kind: DocumentKind, due: DocumentDue, itemId: string, reason: string) => {
    const existing = byKind.get(kind);
    if (!existing) {
      byKind.set(kind, { kind, due, itemIds: [itemId], reasons: [reason] });
      return;
    }
    if (!existing.itemIds.includes(itemId)) existing.itemIds.push(itemId);
    if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
    if (dueOrder.indexOf(due) < dueOrder.indexOf(existing.due)) existing.due = due;
  };

  for (const item of items) {
    const entry = catalogEntry(catalog, item.hcpcs);
    const faceToFace = payer.faceToFaceListApplies && entry?.faceToFace === true;

    need(
      'standard-written-order',
      faceToFace ? 'before-delivery' : 'before-claim',
      item.id,
      'Every item needs a standard written order: patient, order date, item and accessories, quantity, practitioner and signature',
    );
    if (faceToFace) {
      need(
        'face-to-face-note',
        'before-delivery',
        item.id,
        `${item.hcpcs} is on the face-to-face list: the practitioner's visit note, within 6 months before the order`,
      );
      need(
        'written-order-prior-to-delivery',
        'before-delivery',
        item.id,
        `${item.hcpcs} is on the face-to-face list: the written order must be in hand before delivery`,
      );
    }
    if (!entry) {
      need('medical-record', 'before-claim', item.id, `${item.hcpcs} is not in the catalog: check its medical policy for the records it needs`);
    }
    for (const document of entry?.policyDocuments ?? []) need(document.kind, 'before-claim', item.id, document.reason);
    if (item.abnOnFile) {
      need('abn', 'before-delivery', item.id, `${item.hcpcs} is billed with GA: the signed ABN must be on file`);
    } else if (item.denialExpected) {
      need(
        'abn',
        'before-delivery',
        item.id,
        `${item.hcpcs} is expected to deny: give the patient an ABN before delivery, or the claim goes GZ and the supplier is liable`,
      );
    }
    need(
      'proof-of-delivery',
      'at-delivery',
      item.id,
      'Proof of delivery: address, item, quantity, date and the signature of the patient or a designee (never supplier staff)',
    );
  }

  return [...byKind.values()].sort((a, b) => documentOrder.indexOf(a.kind) - documentOrder.indexOf(b.kind));
}
