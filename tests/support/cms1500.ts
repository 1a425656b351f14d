/**
 * Reading a CMS-1500 PDF back as a person reads the form: each page's text (pdf-parse),
 * cut into its numbered item boxes. Every box must open with its item's title as the
 * 02/12 form and the NUCC manual name it, written out here and not taken from the
 * renderer, so a box that lost its number or title fails; what follows the title is the
 * item's value. Item 24's service lines come back one string per line, cells joined by
 * a space.
 */
import { PDFParse } from 'pdf-parse';

const nuccTitles: Record<string, string> = {
  '1': 'MEDICARE, MEDICAID, TRICARE, CHAMPVA, GROUP HEALTH PLAN, FECA BLK LUNG, OTHER',
  '1a': "INSURED'S I.D. NUMBER (For Program in Item 1)",
  '2': "PATIENT'S NAME (Last Name, First Name, Middle Initial)",
  '3': "PATIENT'S BIRTH DATE, SEX",
  '4': "INSURED'S NAME (Last Name, First Name, Middle Initial)",
  '5': "PATIENT'S ADDRESS (No., Street, City, State, ZIP Code, Telephone)",
  '6': 'PATIENT RELATIONSHIP TO INSURED',
  '7': "INSURED'S ADDRESS (No., Street, City, State, ZIP Code, Telephone)",
  '8': 'RESERVED FOR NUCC USE',
  '9': "OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)",
  '9a': "OTHER INSURED'S POLICY OR GROUP NUMBER",
  '9b': 'RESERVED FOR NUCC USE',
  '9c': 'RESERVED FOR NUCC USE',
  '9d': 'INSURANCE PLAN NAME OR PROGRAM NAME',
  '10': "IS PATIENT'S CONDITION RELATED TO:",
  '10a': 'EMPLOYMENT? (Current or Previous)',
  '10b': 'AUTO ACCIDENT? PLACE (State)',
  '10c': 'OTHER ACCIDENT?',
  '10d': 'CLAIM CODES (Designated by NUCC)',
  '11': "INSURED'S POLICY GROUP OR FECA NUMBER",
  '11a': "INSURED'S DATE OF BIRTH, SEX",
  '11b': 'OTHER CLAIM ID (Designated by NUCC)',
  '11c': 'INSURANCE PLAN NAME OR PROGRAM NAME',
  '11d': 'IS THERE ANOTHER HEALTH BENEFIT PLAN?',
  '12': "PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE",
  '13': "INSURED'S OR AUTHORIZED PERSON'S SIGNATURE",
  '14': 'DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)',
  '15': 'OTHER DATE',
  '16': 'DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION',
  '17': 'NAME OF REFERRING PROVIDER OR OTHER SOURCE',
  '17a': 'OTHER ID#',
  '17b': 'NPI#',
  '18': 'HOSPITALIZATION DATES RELATED TO CURRENT SERVICES',
  '19': 'ADDITIONAL CLAIM INFORMATION (Designated by NUCC)',
  '20': 'OUTSIDE LAB? $ CHARGES',
  '21': 'DIAGNOSIS OR NATURE OF ILLNESS OR INJURY Relate A-L to service line below (24E)',
  '22': 'RESUBMISSION CODE, ORIGINAL REF. NO.',
  '23': 'PRIOR AUTHORIZATION NUMBER',
  '24': '',
  '25': 'FEDERAL TAX I.D. NUMBER',
  '26': "PATIENT'S ACCOUNT NO.",
  '27': 'ACCEPT ASSIGNMENT?',
  '28': 'TOTAL CHARGE',
  '29': 'AMOUNT PAID',
  '30': 'Rsvd for NUCC Use',
  '31': 'SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS',
  '32': 'SERVICE FACILITY LOCATION INFORMATION',
  '32a': 'NPI#',
  '32b': 'OTHER ID#',
  '33': 'BILLING PROVIDER INFO & PH #',
  '33a': 'NPI#',
  '33b': 'OTHER ID#',
};

export interface FormPage {
  /** The page as extracted, line breaks kept. */
  text: string;
  /** Item number → its value (the box's text after its title), whitespace collapsed. */
  items: Record<string, string>;
  /** Item 24's filled lines, "03 04 24 03 04 24 12 E0143 NU KX A 120.00 1". */
  serviceLines: string[];
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

function itemsOf(text: string): Record<string, string> {
  // The form's footer closes the last box.
  const flat = collapse(text).replace(/ FORM 1500 \(02-12\).*$/, '');
  const labels = [...flat.matchAll(/(?:^| )(\d{1,2}[a-d]?)\. /g)].filter((match) => match[1] in nuccTitles);
  const items: Record<string, string> = {};
  labels.forEach((label, index) => {
    const item = label[1];
    const start = label.index! + label[0].length;
    const end = index + 1 < labels.length ? labels[index + 1].index! : flat.length;
    const box = flat.slice(start, end).trim();
    const title = nuccTitles[item];
    if (!box.startsWith(title)) throw new Error(`item ${item} reads "${box.slice(0, 80)}", not its title "${title}"`);
    if (item in items) throw new Error(`item ${item} appears twice on the page`);
    items[item] = box.slice(title.length).trim();
  });
  const missing = Object.keys(nuccTitles).filter((item) => !(item in items));
  if (missing.length > 0) throw new Error(`the page has no box for items ${missing.join(', ')}`);
  return items;
}

/** Item 24 prints each line after its line number 1–6; an empty line is its number alone. */
function serviceLinesOf(text: string): string[] {
  return text
    .split('\n')
    .map(collapse)
    .map((line) => /^[1-6] (\d\d \d\d \d\d .*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
}

export async function readCms1500(pdf: Uint8Array): Promise<FormPage[]> {
  const parser = new PDFParse({ data: pdf });
  try {
    const { pages } = await parser.getText();
    return pages.map(({ text }) => ({ text, items: itemsOf(text), serviceLines: serviceLinesOf(text) }));
  } finally {
    await parser.destroy();
  }
}
