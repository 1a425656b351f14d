/**
 * The CMS-1500 (02/12) as a PDF: one US-letter page per form (six service lines each,
 * domain/cms1500.ts), the item boxes in the form's order and places, each labelled with
 * its item number and the NUCC title, the values typed in Courier as the NUCC asks of
 * printed claims. It is a plain-paper layout of the items, not a red-ink OCR overlay.
 *
 * Only pdfkit's standard fonts: nothing is loaded from disk or the network. The document
 * holds PHI (it is the claim); its metadata holds only our claim number.
 */
import PDFDocument from 'pdfkit';
import {
  SERVICE_LINES_PER_PAGE,
  type Cms1500,
  type Cms1500Page,
  type Cms1500ServiceLine,
  type FormAddress,
  type FormPerson,
  type FormProvider,
  type InsuranceType,
} from '../domain/cms1500';

const PAGE = { width: 612, height: 792, margin: 24 };
const WIDTH = PAGE.width - 2 * PAGE.margin;
/** The form's three columns: the patient's side, the middle, the insured's side. */
const LEFT = { x: PAGE.margin, width: 236 };
const MIDDLE = { x: LEFT.x + LEFT.width, width: 100 };
const RIGHT = { x: MIDDLE.x + MIDDLE.width, width: WIDTH - LEFT.width - MIDDLE.width };
const LEFT_AND_MIDDLE = { x: LEFT.x, width: LEFT.width + MIDDLE.width };

const LABEL_FONT = 'Helvetica';
const LABEL_SIZE = 5.5;
const VALUE_FONT = 'Courier';
const VALUE_SIZE = 9;
const VALUE_LINE = 10;

type Doc = InstanceType<typeof PDFDocument>;
type Column = { x: number; width: number };

const check = (marked: boolean) => (marked ? '[X]' : '[ ]');

/** "2024-03-01" → "03 01 24", the 6-digit MM DD YY of item 24A and 31. */
const mmddyy = (iso: string) => `${iso.slice(5, 7)} ${iso.slice(8, 10)} ${iso.slice(2, 4)}`;
/** The 8-digit MM DD YYYY of birth dates (items 3 and 11a). */
const mmddyyyy = (iso: string) => `${iso.slice(5, 7)} ${iso.slice(8, 10)} ${iso.slice(0, 4)}`;
/** Cents as the form's dollar and cents areas read: no dollar sign, no commas. */
const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const zip = (digits: string) => (digits.length === 9 ? `${digits.slice(0, 5)}-${digits.slice(5)}` : digits);
const phone = (digits: string) => (/^\d{10}$/.test(digits) ? `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` : digits);

/** Items 2, 4 and 9: Last Name, First Name, Middle Initial. */
const lastFirst = (person: FormPerson | undefined) =>
  person ? [person.last, person.first, person.middle?.slice(0, 1)].filter(Boolean).join(', ') : '';
/** Items 17, 32 and 33: First Name, Middle Initial, Last Name (an organization is its name). */
const firstLast = (person: FormPerson) => [person.first, person.middle?.slice(0, 1), person.last].filter(Boolean).join(' ');

const addressLines = (address: FormAddress | undefined) =>
  address ? [address.street, `${address.city} ${address.state} ${zip(address.zip)}`, ...(address.phone ? [phone(address.phone)] : [])] : [];

const insuranceTypeLabels: Array<[InsuranceType, string]> = [
  ['medicare', 'MEDICARE'],
  ['medicaid', 'MEDICAID'],
  ['tricare', 'TRICARE'],
  ['champva', 'CHAMPVA'],
  ['group-health-plan', 'GROUP HEALTH PLAN'],
  ['feca-black-lung', 'FECA BLK LUNG'],
  ['other', 'OTHER'],
];

const yesNo = (value: boolean | undefined) => (value === undefined ? '' : `${check(value)} YES ${check(!value)} NO`);
const sexBoxes = (sex: string | undefined) => `${check(sex === 'M')} M ${check(sex === 'F')} F`;

/** Text in one line of `width`: the size shrinks to fit (down to 5 pt) so no value is cut. */
function line(doc: Doc, text: string, x: number, y: number, width: number, font = VALUE_FONT, size = VALUE_SIZE) {
  doc.font(font).fontSize(size);
  const natural = doc.widthOfString(text);
  const fitted = natural > width ? Math.max(5, (size * width) / natural) : size;
  doc.fontSize(fitted).text(text, x, y, { width, lineBreak: false });
}

/** One item box: the rule around it, "<item>. <TITLE>" at its top, then its values line by line. */
function box(doc: Doc, item: string, title: string, column: Column, y: number, height: number, values: string[] = []) {
  doc.lineWidth(0.5).rect(column.x, y, column.width, height).stroke();
  doc.font(LABEL_FONT).fontSize(LABEL_SIZE);
  const label = item ? `${item}. ${title}` : title;
  doc.text(label, column.x + 2, y + 2, { width: column.width - 4 });
  const labelHeight = doc.heightOfString(label, { width: column.width - 4 });
  values.forEach((value, index) => line(doc, value, column.x + 3, y + 3 + labelHeight + index * VALUE_LINE, column.width - 6));
}

/** The header: the form's name, the page of a continued claim, and the carrier block (where to mail it). */
function header(doc: Doc, form: Cms1500, page: Cms1500Page): number {
  const y = PAGE.margin;
  line(doc, 'HEALTH INSURANCE CLAIM FORM', LEFT.x, y, LEFT_AND_MIDDLE.width, 'Helvetica-Bold', 12);
  line(doc, 'APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12', LEFT.x, y + 15, LEFT_AND_MIDDLE.width, LABEL_FONT, 6.5);
  line(doc, `PAGE ${page.pageNumber} OF ${page.pageCount}`, LEFT.x, y + 27, LEFT_AND_MIDDLE.width, 'Helvetica-Bold', 8);
  box(doc, '', 'CARRIER', RIGHT, y, 48, [form.payer.name, ...addressLines(form.payer.address)]);
  return y + 52;
}

function patientAndInsured(doc: Doc, form: Cms1500, top: number): number {
  let y = top;
  const types = insuranceTypeLabels.map(([type, label]) => `${check(form.insuranceType === type)} ${label}`);
  box(doc, '1', 'MEDICARE, MEDICAID, TRICARE, CHAMPVA, GROUP HEALTH PLAN, FECA BLK LUNG, OTHER', LEFT_AND_MIDDLE, y, 34, [
    types.slice(0, 4).join(' '),
    types.slice(4).join(' '),
  ]);
  box(doc, '1a', "INSURED'S I.D. NUMBER (For Program in Item 1)", RIGHT, y, 34, [form.insuredId]);
  y += 34;

  box(doc, '2', "PATIENT'S NAME (Last Name, First Name, Middle Initial)", LEFT, y, 26, [lastFirst(form.patientName)]);
  box(doc, '3', "PATIENT'S BIRTH DATE, SEX", MIDDLE, y, 26, [
    `${form.patientBirthDate ? mmddyyyy(form.patientBirthDate) : ''} ${sexBoxes(form.patientSex)}`.trim(),
  ]);
  box(doc, '4', "INSURED'S NAME (Last Name, First Name, Middle Initial)", RIGHT, y, 26, [lastFirst(form.insuredName)]);
  y += 26;

  box(doc, '5', "PATIENT'S ADDRESS (No., Street, City, State, ZIP Code, Telephone)", LEFT, y, 52, addressLines(form.patientAddress));
  box(doc, '6', 'PATIENT RELATIONSHIP TO INSURED', MIDDLE, y, 36, [
    `${check(form.relationship === 'self')} SELF ${check(form.relationship === 'spouse')} SPOUSE`,
    `${check(form.relationship === 'child')} CHILD ${check(form.relationship === 'other')} OTHER`,
  ]);
  box(doc, '8', 'RESERVED FOR NUCC USE', MIDDLE, y + 36, 16);
  box(doc, '7', "INSURED'S ADDRESS (No., Street, City, State, ZIP Code, Telephone)", RIGHT, y, 52, addressLines(form.insuredAddress));
  y += 52;

  const other = form.otherInsured;
  const related = form.conditionRelatedTo;
  const rows: Array<[left: [string, string, string], middle: [string, string, string], right: [string, string, string]]> = [
    [
      ['9', "OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", lastFirst(other?.name)],
      ['10', "IS PATIENT'S CONDITION RELATED TO:", ''],
      ['11', "INSURED'S POLICY GROUP OR FECA NUMBER", form.insuredGroupNumber ?? ''],
    ],
    [
      ['9a', "OTHER INSURED'S POLICY OR GROUP NUMBER", other?.policyOrGroupNumber ?? ''],
      ['10a', 'EMPLOYMENT? (Current or Previous)', yesNo(related.employment)],
      [
        '11a',
        "INSURED'S DATE OF BIRTH, SEX",
        form.insuredBirthDate || form.insuredSex
          ? `${form.insuredBirthDate ? mmddyyyy(form.insuredBirthDate) : ''} ${sexBoxes(form.insuredSex)}`.trim()
          : '',
      ],
    ],
    [
      ['9b', 'RESERVED FOR NUCC USE', ''],
      ['10b', 'AUTO ACCIDENT? PLACE (State)', `${yesNo(related.autoAccident)} ${related.autoAccidentState ?? ''}`.trim()],
      ['11b', 'OTHER CLAIM ID (Designated by NUCC)', ''],
    ],
    [
      ['9c', 'RESERVED FOR NUCC USE', ''],
      ['10c', 'OTHER ACCIDENT?', yesNo(related.otherAccident)],
      ['11c', 'INSURANCE PLAN NAME OR PROGRAM NAME', form.insurancePlanName ?? ''],
    ],
    [
      ['9d', 'INSURANCE PLAN NAME OR PROGRAM NAME', other?.planName ?? ''],
      ['10d', 'CLAIM CODES (Designated by NUCC)', ''],
      ['11d', 'IS THERE ANOTHER HEALTH BENEFIT PLAN?', yesNo(form.anotherHealthBenefitPlan)],
    ],
  ];
  for (const cells of rows) {
    cells.forEach(([item, title, value], index) => box(doc, item, title, [LEFT, MIDDLE, RIGHT][index], y, 24, value ? [value] : []));
    y += 24;
  }

  box(doc, '12', "PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", LEFT_AND_MIDDLE, y, 26, form.patientSignatureOnFile ? ['SIGNATURE ON FILE'] : []);
  box(doc, '13', "INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", RIGHT, y, 26, form.insuredSignatureOnFile ? ['SIGNATURE ON FILE'] : []);
  return y + 26;
}

function claimInformation(doc: Doc, form: Cms1500, top: number): number {
  let y = top;
  box(doc, '14', 'DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)', LEFT, y, 22);
  box(doc, '15', 'OTHER DATE', MIDDLE, y, 22);
  box(doc, '16', 'DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION', RIGHT, y, 22);
  y += 22;

  const referring = form.referringProvider;
  box(doc, '17', 'NAME OF REFERRING PROVIDER OR OTHER SOURCE', LEFT, y, 30, referring ? [`${referring.qualifier} ${firstLast(referring.name)}`] : []);
  box(doc, '17a', 'OTHER ID#', MIDDLE, y, 12);
  box(doc, '17b', 'NPI#', MIDDLE, y + 12, 18, referring?.npi ? [referring.npi] : []);
  box(doc, '18', 'HOSPITALIZATION DATES RELATED TO CURRENT SERVICES', RIGHT, y, 30);
  y += 30;

  box(
    doc,
    '19',
    'ADDITIONAL CLAIM INFORMATION (Designated by NUCC)',
    LEFT_AND_MIDDLE,
    y,
    22,
    form.additionalClaimInformation ? [form.additionalClaimInformation] : [],
  );
  box(doc, '20', 'OUTSIDE LAB? $ CHARGES', RIGHT, y, 22);
  y += 22;

  const diagnoses = Array.from({ length: 12 }, (_, i) => `${'ABCDEFGHIJKL'[i]}. ${(form.diagnoses[i] ?? '').padEnd(8)}`);
  box(doc, '21', 'DIAGNOSIS OR NATURE OF ILLNESS OR INJURY Relate A-L to service line below (24E)', LEFT_AND_MIDDLE, y, 52, [
    `ICD Ind. ${form.icdIndicator}`,
    diagnoses.slice(0, 4).join(' '),
    diagnoses.slice(4, 8).join(' '),
    diagnoses.slice(8).join(' '),
  ]);
  const resubmission = form.resubmission;
  box(
    doc,
    '22',
    'RESUBMISSION CODE, ORIGINAL REF. NO.',
    RIGHT,
    y,
    26,
    resubmission ? [`${resubmission.code} ${resubmission.originalReferenceNumber ?? ''}`.trim()] : [],
  );
  box(doc, '23', 'PRIOR AUTHORIZATION NUMBER', RIGHT, y + 26, 26, form.priorAuthorizationNumber ? [form.priorAuthorizationNumber] : []);
  return y + 52;
}

interface ServiceColumn {
  /** The column's title, over `span` columns (A spans From and To, D spans CPT/HCPCS and MODIFIER). */
  heading?: string;
  span?: number;
  /** The title under a spanning heading. */
  sub?: string;
  /** Points; 0 takes what is left. */
  width: number;
  value: (line: Cms1500ServiceLine) => string;
}

/** Item 24's columns, A to J. */
const serviceColumns: ServiceColumn[] = [
  { heading: 'A. DATE(S) OF SERVICE', span: 2, sub: 'From', width: 44, value: (l) => mmddyy(l.from) },
  { sub: 'To', width: 44, value: (l) => mmddyy(l.to) },
  { heading: 'B. PLACE OF SERVICE', width: 30, value: (l) => l.placeOfService },
  { heading: 'C. EMG', width: 20, value: (l) => (l.emergency ? 'Y' : '') },
  { heading: 'D. PROCEDURES, SERVICES, OR SUPPLIES', span: 2, sub: 'CPT/HCPCS', width: 44, value: (l) => l.hcpcs },
  { sub: 'MODIFIER', width: 64, value: (l) => l.modifiers.join(' ') },
  { heading: 'E. DIAGNOSIS POINTER', width: 36, value: (l) => l.diagnosisPointer },
  { heading: 'F. $ CHARGES', width: 56, value: (l) => amount(l.charge) },
  { heading: 'G. DAYS OR UNITS', width: 32, value: (l) => l.units },
  { heading: 'H. EPSDT Family Plan', width: 30, value: () => '' },
  { heading: 'I. ID. QUAL.', width: 28, value: (l) => (l.renderingNpi ? 'NPI' : '') },
  { heading: 'J. RENDERING PROVIDER ID. #', width: 0, value: (l) => l.renderingNpi ?? '' },
];

function serviceLines(doc: Doc, page: Cms1500Page, top: number): number {
  const headerHeight = 32;
  const rowHeight = 24;
  const height = headerHeight + SERVICE_LINES_PER_PAGE * rowHeight;
  doc.lineWidth(0.5).rect(LEFT.x, top, WIDTH, height).stroke();
  line(doc, '24.', LEFT.x + 2, top + 2, 12, LABEL_FONT, LABEL_SIZE + 1);
  const fixed = serviceColumns.reduce((sum, column) => sum + column.width, 0);
  let x = LEFT.x;
  const columns = serviceColumns.map((column) => {
    const placed = { ...column, x, width: column.width || WIDTH - fixed };
    x += placed.width;
    return placed;
  });
  columns.forEach((column, index) => {
    if (column.heading) {
      const span = columns.slice(index, index + (column.span ?? 1)).reduce((sum, c) => sum + c.width, 0);
      doc
        .font(LABEL_FONT)
        .fontSize(LABEL_SIZE)
        .text(column.heading, column.x + 2, top + 9, { width: span - 4 });
    }
    if (column.sub) line(doc, column.sub, column.x + 2, top + 24, column.width - 4, LABEL_FONT, LABEL_SIZE);
    // A spanned column's divider starts under the heading it shares.
    doc
      .moveTo(column.x, top + (column.heading ? 8 : 22))
      .lineTo(column.x, top + height)
      .stroke();
  });
  for (let row = 0; row < SERVICE_LINES_PER_PAGE; row++) {
    const y = top + headerHeight + row * rowHeight;
    doc
      .moveTo(LEFT.x, y)
      .lineTo(LEFT.x + WIDTH, y)
      .stroke();
    // The shaded supplemental half of each line stays empty; the line itself fills the lower half.
    doc
      .rect(LEFT.x, y, WIDTH, rowHeight / 2)
      .fillOpacity(0.08)
      .fill('#000000')
      .fillOpacity(1)
      .fillColor('#000000');
    line(doc, String(row + 1), LEFT.x - 10, y + rowHeight / 2 + 2, 8, LABEL_FONT, 7);
    const service = page.lines[row];
    if (!service) continue;
    for (const column of columns) line(doc, column.value(service), column.x + 2, y + rowHeight / 2 + 2, column.width - 4, VALUE_FONT, 8.5);
  }
  return top + height;
}

function totalsAndProviders(doc: Doc, form: Cms1500, page: Cms1500Page, top: number): number {
  let y = top;
  const widths = [120, 110, 90, 86, 86];
  const at = (index: number) => ({
    x: PAGE.margin + widths.slice(0, index).reduce((a, b) => a + b, 0),
    width: index < widths.length ? widths[index] : WIDTH - widths.reduce((a, b) => a + b, 0),
  });
  const taxId = form.federalTaxId;
  box(
    doc,
    '25',
    'FEDERAL TAX I.D. NUMBER',
    at(0),
    y,
    30,
    taxId ? [`${taxId.number} ${check(taxId.kind === 'SSN')} SSN ${check(taxId.kind === 'EIN')} EIN`] : [],
  );
  box(doc, '26', "PATIENT'S ACCOUNT NO.", at(1), y, 30, [form.patientAccountNumber]);
  box(doc, '27', 'ACCEPT ASSIGNMENT?', at(2), y, 30, [yesNo(form.acceptAssignment)]);
  box(doc, '28', 'TOTAL CHARGE', at(3), y, 30, [page.totalCharge === 'continued' ? 'CONTINUED' : amount(page.totalCharge)]);
  box(doc, '29', 'AMOUNT PAID', at(4), y, 30, page.amountPaid !== undefined ? [amount(page.amountPaid)] : []);
  box(doc, '30', 'Rsvd for NUCC Use', at(5), y, 30);
  y += 30;

  const third = WIDTH / 3;
  const columns = [0, 1, 2].map((i) => ({ x: PAGE.margin + i * third, width: third }));
  const half = (column: Column, index: number) => ({ x: column.x + (index * column.width) / 2, width: column.width / 2 });
  const providerLines = (provider: FormProvider | undefined) => (provider ? [firstLast(provider.name), ...addressLines(provider.address)] : []);
  const signature = form.supplierSignature;
  box(
    doc,
    '31',
    'SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS',
    columns[0],
    y,
    68,
    signature ? ['SIGNATURE ON FILE', `DATE ${mmddyy(signature.date)}`] : [],
  );
  box(doc, '32', 'SERVICE FACILITY LOCATION INFORMATION', columns[1], y, 52, providerLines(form.serviceFacility));
  box(doc, '32a', 'NPI#', half(columns[1], 0), y + 52, 16, form.serviceFacility?.npi ? [form.serviceFacility.npi] : []);
  box(doc, '32b', 'OTHER ID#', half(columns[1], 1), y + 52, 16);
  box(doc, '33', 'BILLING PROVIDER INFO & PH #', columns[2], y, 52, providerLines(form.billingProvider));
  box(doc, '33a', 'NPI#', half(columns[2], 0), y + 52, 16, form.billingProvider.npi ? [form.billingProvider.npi] : []);
  box(doc, '33b', 'OTHER ID#', half(columns[2], 1), y + 52, 16);
  return y + 68;
}

function drawPage(doc: Doc, form: Cms1500, page: Cms1500Page) {
  let y = header(doc, form, page);
  y = patientAndInsured(doc, form, y);
  y = claimInformation(doc, form, y);
  y = serviceLines(doc, page, y);
  y = totalsAndProviders(doc, form, page, y);
  line(doc, 'FORM 1500 (02-12) ITEMS, PLAIN-PAPER LAYOUT', LEFT.x, y + 4, WIDTH, LABEL_FONT, 6);
}

/** The claim's forms as one PDF, a page per form. */
export function renderCms1500(form: Cms1500): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: PAGE.margin,
    autoFirstPage: false,
    info: { Title: `CMS-1500 claim ${form.patientAccountNumber}` },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const page of form.pages) {
    doc.addPage({ size: 'LETTER', margin: PAGE.margin });
    drawPage(doc, form, page);
  }
  doc.end();
  return done;
}
