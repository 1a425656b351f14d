/**
 * The patient statement as a PDF (pdfkit): what the patient owes after their payers, claim
 * by claim — services with their HCPCS and description, charges, what each payer paid and
 * adjusted, what is the patient's, payments received — the amount due with its due date,
 * and a remittance slip with the supplier's remit-to address. The PHI lives only in here
 * and in the stored bytes; the document's metadata names nobody.
 */
import PDFDocument from 'pdfkit';

export interface StatementClaim {
  claimId: string;
  claimNumber: string;
  serviceFrom: string;
  serviceTo: string;
  /** This statement is the balance's last before collections or write-off. */
  finalNotice: boolean;
  lines: Array<{ serviceFrom: string; hcpcs: string; modifiers: string[]; description: string; units: number; charge: number }>;
  charge: number;
  payers: Array<{ name: string; paid: number; adjusted: number; patientResponsibility: number }>;
  /** What moved the patient's own balance: payments received, adjustments, refunds (cents, negative lowers it). */
  activity: Array<{ on: string; what: string; amount: number }>;
  owed: number;
}

export interface StatementContent {
  sequence: number;
  notice: number;
  finalNotice: boolean;
  statementOn: string;
  dueOn: string;
  amountDue: number;
  account: string;
  patient: { name: string; addressLines: string[] };
  supplier: { name: string; addressLines: string[]; phone: string };
  claims: StatementClaim[];
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const dollars = (cents: number) => usd.format(cents / 100);
/** Dates as US patients read them: MM/DD/YYYY. */
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const serviceDates = (from: string, to: string) => (from === to ? usDate(from) : `${usDate(from)} to ${usDate(to)}`);

const margin = 50;
const font = { regular: 'Helvetica', bold: 'Helvetica-Bold' };

export function renderStatementPdf(content: StatementContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin,
    // Dated by the statement, so the same statement renders the same bytes; no name in the metadata.
    info: { Title: `Statement ${content.sequence}`, Author: content.supplier.name, CreationDate: new Date(`${content.statementOn}T00:00:00Z`) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * margin;

  // Letterhead and the statement's particulars.
  doc.font(font.bold).fontSize(16).text(content.supplier.name);
  doc
    .font(font.regular)
    .fontSize(9)
    .text([...content.supplier.addressLines, `Billing questions: ${content.supplier.phone}`].join('\n'));
  doc.moveDown();
  doc
    .font(font.bold)
    .fontSize(13)
    .text(content.finalNotice ? 'PATIENT STATEMENT: FINAL NOTICE' : 'PATIENT STATEMENT');
  doc
    .font(font.regular)
    .fontSize(9)
    .text(`Statement date: ${usDate(content.statementOn)}    Statement number: ${content.sequence}    Account: ${content.account}`);
  doc.moveDown();
  doc.font(font.bold).fontSize(10).text(content.patient.name);
  doc.font(font.regular).text(content.patient.addressLines.join('\n'));
  doc.moveDown();

  doc
    .font(font.bold)
    .fontSize(12)
    .text(`Amount due: ${dollars(content.amountDue)}    Please pay by ${usDate(content.dueOn)}`);
  doc
    .font(font.regular)
    .fontSize(9)
    .text(
      content.finalNotice
        ? 'This is our final notice: a balance still unpaid by the due date is referred for collection or closed by our policy.'
        : 'This is what remains after your insurance has paid and adjusted these claims.',
    );
  doc.moveDown();

  for (const claim of content.claims) {
    doc
      .font(font.bold)
      .fontSize(10)
      .text(
        `Claim ${claim.claimNumber}, dates of service ${serviceDates(claim.serviceFrom, claim.serviceTo)}${claim.finalNotice ? ' (final notice)' : ''}`,
      );
    doc.font(font.regular).fontSize(8);
    doc.table({
      columnStyles: [70, 90, '*', 40, 70],
      defaultStyle: { border: 0.5, padding: 3 },
      data: [
        [
          { text: 'Date', type: 'TH' },
          { text: 'HCPCS', type: 'TH' },
          { text: 'Description', type: 'TH' },
          { text: 'Units', type: 'TH' },
          { text: 'Charge', type: 'TH', align: { x: 'right' } },
        ],
        ...claim.lines.map((line) => [
          usDate(line.serviceFrom),
          [line.hcpcs, ...line.modifiers].join(' '),
          line.description,
          String(line.units),
          { text: dollars(line.charge), align: { x: 'right' as const } },
        ]),
      ],
    });
    const rows: Array<[string, number]> = [['Total charges', claim.charge]];
    for (const payer of claim.payers) {
      rows.push([`Paid by ${payer.name}`, -payer.paid]);
      rows.push([`Adjusted by ${payer.name}`, -payer.adjusted]);
      rows.push([`Your share per ${payer.name}`, payer.patientResponsibility]);
    }
    for (const entry of claim.activity) rows.push([`${entry.what} ${usDate(entry.on)}`, entry.amount]);
    doc.moveDown(0.3);
    doc.font(font.regular).fontSize(9);
    for (const [label, amount] of rows) {
      const y = doc.y;
      doc.text(label, margin, y, { width: width - 90 });
      doc.text(dollars(amount), margin + width - 90, y, { width: 90, align: 'right' });
    }
    const y = doc.y;
    doc.font(font.bold).text('You owe on this claim', margin, y, { width: width - 90 });
    doc.text(dollars(claim.owed), margin + width - 90, y, { width: 90, align: 'right' });
    doc.x = margin;
    doc.moveDown();
  }

  // The remittance slip, on the page where the statement ends (a new one when it is full).
  if (doc.y > doc.page.height - margin - 150) doc.addPage();
  doc.moveDown();
  const cut = doc.y;
  doc
    .moveTo(margin, cut)
    .lineTo(margin + width, cut)
    .dash(4, { space: 3 })
    .stroke()
    .undash();
  doc.moveDown(0.5);
  doc.font(font.regular).fontSize(8).text('Please detach and return this part with your payment.', margin);
  doc.moveDown(0.5);
  doc.font(font.bold).fontSize(10).text(`Make checks payable to ${content.supplier.name}`);
  doc
    .font(font.regular)
    .fontSize(9)
    .text(['Remit to:', content.supplier.name, ...content.supplier.addressLines].join('\n'));
  doc.moveDown(0.5);
  doc.text(`Account: ${content.account}    Statement date: ${usDate(content.statementOn)}    Statement number: ${content.sequence}`);
  doc.font(font.bold).text(`Amount due: ${dollars(content.amountDue)} by ${usDate(content.dueOn)}    Amount enclosed: ____________`);
  doc.end();
  return done;
}
