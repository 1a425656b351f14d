/**
 * Medicare's crossover (COBA, DOMAIN.md §15): the claim as Medicare forwards it to a
 * supplemental payer, written as the 837P coordination-of-benefits claim that payer
 * receives. The payer crossed over to becomes the one billed (2000B SBR, 2010BA its
 * subscriber, 2010BB itself); the forwarding payer becomes one of the other payers, with
 * its adjudication (2320 SBR, AMT*D, AMT*EAF, OI; 2330A its subscriber; 2330B itself
 * with REF*F8 its claim number; per line a 2430 SVD, CAS, DTP*573). The sandbox stores
 * it like a claim the supplier sent, so the crossover payer adjudicates it as it does
 * any secondary claim, from the X12 alone.
 */
import { dollars, type X12Segment } from '../../domain/x12';
import { sbr01OfLevel } from '../../domain/coordination';
import { readX12 } from './read-x12';
import type { OtherPayer } from './sandbox-cob';
import { standAloneClaimText, type Adjudication } from './sandbox-payer';
import { ccyymmdd, type RemittanceAdjustment } from './sandbox-x12';

/** What the forwarding payer decided, as the crossover claim carries it. */
export interface Forwarding {
  adjudication: Adjudication;
  /** The forwarding payer's claim number (ICN): 2330B REF*F8. */
  payerClaimNumber: string;
  /** When it adjudicated the claim (its 835's date): DTP*573. */
  adjudicatedOn: string;
}

const el = (segment: X12Segment, index: number): string => segment.elements[index] ?? '';

/** A segment to write back with the file's delimiters; X12 drops trailing empty elements. */
function segment(id: string, ...values: (string | undefined)[]): X12Segment {
  const elements = [id, ...values.map((v) => v ?? '')];
  while (elements.length > 1 && elements[elements.length - 1] === '') elements.pop();
  return { id, elements, position: 0 };
}

/** Splits segments into runs, each starting at a segment `starts` says opens one. */
function runs(segments: X12Segment[], starts: (s: X12Segment) => boolean): X12Segment[][] {
  const found: X12Segment[][] = [];
  for (const s of segments) {
    if (starts(s) || found.length === 0) found.push([s]);
    else found[found.length - 1].push(s);
  }
  return found;
}

/** CAS segments of one line's adjustments: one per group, at most six reasons each. */
function casSegments(adjustments: RemittanceAdjustment[]): X12Segment[] {
  const segments: X12Segment[] = [];
  for (const group of ['CO', 'PR', 'OA', 'PI'] as const) {
    const ofGroup = adjustments.filter((a) => a.group === group && a.amount !== 0);
    for (let i = 0; i < ofGroup.length; i += 6) {
      segments.push(segment('CAS', group, ...ofGroup.slice(i, i + 6).flatMap((a) => [a.reason, dollars(a.amount), ''])));
    }
  }
  return segments;
}

/**
 * The crossover claim `to` receives: the stored claim (a stand-alone 837P interchange)
 * rewritten so that `to` is billed and the payer it was sent to is a prior payer with the
 * adjudication `by`. `to` must be one of the claim's other payers (its 2320 is replaced)
 * with a subscriber (2330A).
 */
export function forwardedClaim(storedX12: string, to: OtherPayer, by: Forwarding): string {
  const file = readX12('stored claim', storedX12);
  const [set] = file.groups[0].transactionSets;
  const body = set.segments.slice(1, -1);
  const claimStart = body.findIndex((s) => s.id === 'CLM');
  const firstLevel = body.findIndex((s) => s.id === 'HL');
  const header = body.slice(0, firstLevel);
  const levels = runs(body.slice(firstLevel, claimStart), (s) => s.id === 'HL');
  const level = (code: string) => levels.find((l) => el(l[0], 3) === code);
  const billing = level('20')!;
  const subscriber = level('22')!;
  const patientLevel = level('23');

  // 2000B of the claim as sent: its SBR, the subscriber (2010BA) and the payer (2010BB).
  const sbr = subscriber.find((s) => s.id === 'SBR')!;
  const payerAt = subscriber.findIndex((s) => s.id === 'NM1' && el(s, 1) === 'PR');
  const subscriberAt = subscriber.findIndex((s) => s.id === 'NM1' && el(s, 1) === 'IL');
  const oldSubscriber = subscriber.slice(subscriberAt, payerAt);
  const oldPayer = subscriber[payerAt];

  // The patient: 2000C when the claim had one, else the subscriber.
  const patientSegments = patientLevel ?? oldSubscriber;
  const patientName = patientSegments.find((s) => s.id === 'NM1')!;
  const patientAddress = patientSegments.filter((s) => s.id === 'N3' || s.id === 'N4');
  const patientDemographics = patientSegments.filter((s) => s.id === 'DMG');
  const pat = patientLevel?.find((s) => s.id === 'PAT');
  const patientToOldSubscriber = pat ? el(pat, 1) : '18';

  // The claim loop: 2300 up to the first 2320, the 2320s, the 2400 lines.
  const claimLoop = body.slice(claimStart);
  const firstLine = claimLoop.findIndex((s) => s.id === 'LX');
  const beforeLines = firstLine === -1 ? claimLoop : claimLoop.slice(0, firstLine);
  const lines = firstLine === -1 ? [] : runs(claimLoop.slice(firstLine), (s) => s.id === 'LX');
  const firstOther = beforeLines.findIndex((s) => s.id === 'SBR');
  const claimHead = firstOther === -1 ? beforeLines : beforeLines.slice(0, firstOther);
  const others = firstOther === -1 ? [] : runs(beforeLines.slice(firstOther), (s) => s.id === 'SBR');
  const clm = claimLoop[0];

  // The forwarding payer as an other payer of the claim, with its decision.
  const { adjudication } = by;
  const forwarder: X12Segment[] = [
    segment('SBR', el(sbr, 1), patientToOldSubscriber, el(sbr, 3), el(sbr, 4), el(sbr, 5), '', '', '', el(sbr, 9)),
    segment('AMT', 'D', dollars(adjudication.paid)),
    segment('AMT', 'EAF', dollars(adjudication.patientResponsibility)),
    // OI03 benefits assignment and OI06 release of information, as the claim stated them (CLM08, CLM09).
    segment('OI', '', '', el(clm, 8) || 'Y', '', '', el(clm, 9) || 'Y'),
    ...oldSubscriber.filter((s) => s.id === 'NM1' || s.id === 'N3' || s.id === 'N4'),
    segment('NM1', 'PR', '2', el(oldPayer, 3), '', '', '', '', 'PI', el(oldPayer, 9)),
    segment('REF', 'F8', by.payerClaimNumber),
  ];
  const otherPayers = others.map((loop) => (loop.some((s) => s.id === 'NM1' && el(s, 1) === 'PR' && el(s, 9) === to.payer.id) ? forwarder : loop));

  // Per line, the forwarding payer's 2430, after the 2420 loops and before any 2440 form.
  const adjudicatedOn = ccyymmdd(by.adjudicatedOn);
  const linesWithAdjudication = lines.map((line, i) => {
    const decided = adjudication.lines[i];
    const sv1 = line.find((s) => s.id === 'SV1');
    if (!decided || !sv1) return line;
    const svd = [
      segment('SVD', el(oldPayer, 9), dollars(decided.paid), el(sv1, 1), '', String(decided.paid > 0 ? decided.line.units : 0)),
      ...casSegments(decided.adjustments),
      segment('DTP', '573', 'D8', adjudicatedOn),
    ];
    const formAt = line.findIndex((s) => s.id === 'LQ' || s.id === 'FRM');
    return formAt === -1 ? [...line, ...svd] : [...line.slice(0, formAt), ...svd, ...line.slice(formAt)];
  });

  // The payer crossed over to, billed now: its subscriber in 2010BA, itself in 2010BB.
  const self = to.relationship === '18';
  const [toSubscriberName, ...toSubscriberAddress] = to.subscriberSegments;
  const newSbr = segment(
    'SBR',
    sbr01OfLevel[to.level!],
    self ? '18' : '',
    to.groupNumber,
    to.groupName,
    to.insuranceType,
    '',
    '',
    '',
    to.filingIndicator,
  );
  const newPayer = segment('NM1', 'PR', '2', to.payer.name, '', '', '', '', 'PI', to.payer.id);
  const newLevels = self
    ? [
        segment('HL', '2', '1', '22', '0'),
        newSbr,
        toSubscriberName,
        ...(toSubscriberAddress.length > 0 ? toSubscriberAddress : patientAddress),
        ...patientDemographics,
        newPayer,
      ]
    : [
        segment('HL', '2', '1', '22', '1'),
        newSbr,
        toSubscriberName,
        ...toSubscriberAddress,
        newPayer,
        segment('HL', '3', '2', '23', '0'),
        segment('PAT', to.relationship),
        segment('NM1', 'QC', '1', el(patientName, 3), el(patientName, 4), el(patientName, 5), '', el(patientName, 7)),
        ...patientAddress,
        ...patientDemographics,
      ];

  return standAloneClaimText(file, 0, set.segments[0], [
    ...header,
    segment('HL', '1', '', '20', '1'),
    ...billing.slice(1),
    ...newLevels,
    ...claimHead,
    ...otherPayers.flat(),
    ...linesWithAdjudication.flat(),
  ]);
}
