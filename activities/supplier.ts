/**
 * Who we are on every X12 file: the supplier (837P 2010AA billing provider, 270/276
 * information receiver), the submitter and the clearinghouse receiving our files.
 * Built once from configuration.
 */
import type { Config } from '../config';
import type { InterchangeInput } from '../domain/x12';

export interface SupplierIdentity {
  name: string;
  npi: string;
  taxId: string;
  billingProvider: {
    organizationName: string;
    npi: string;
    taxId: string;
    address: { line1: string; city: string; state: string; zip: string };
  };
  submitter: { name: string; id: string; contactName: string; phone: string };
  receiver: { name: string; id: string };
  /** The envelope of a file with this control number, dated by the caller's (workflow's) clock. */
  interchange(controlNumber: number, asOf: string): InterchangeInput;
}

export function supplierIdentity(
  config: Pick<
    Config,
    | 'SUPPLIER_NAME'
    | 'SUPPLIER_NPI'
    | 'SUPPLIER_TAX_ID'
    | 'SUPPLIER_ADDRESS_LINE1'
    | 'SUPPLIER_CITY'
    | 'SUPPLIER_STATE'
    | 'SUPPLIER_ZIP'
    | 'SUPPLIER_CONTACT_NAME'
    | 'SUPPLIER_PHONE'
    | 'SUBMITTER_ID'
    | 'CLEARINGHOUSE_RECEIVER_ID'
    | 'CLEARINGHOUSE'
    | 'X12_USAGE'
  >,
): SupplierIdentity {
  const billingProvider = {
    organizationName: config.SUPPLIER_NAME,
    npi: config.SUPPLIER_NPI,
    taxId: config.SUPPLIER_TAX_ID,
    address: { line1: config.SUPPLIER_ADDRESS_LINE1, city: config.SUPPLIER_CITY, state: config.SUPPLIER_STATE, zip: config.SUPPLIER_ZIP },
  };
  return {
    name: config.SUPPLIER_NAME,
    npi: config.SUPPLIER_NPI,
    taxId: config.SUPPLIER_TAX_ID,
    billingProvider,
    submitter: {
      name: config.SUPPLIER_NAME,
      id: config.SUBMITTER_ID,
      contactName: config.SUPPLIER_CONTACT_NAME,
      phone: config.SUPPLIER_PHONE,
    },
    receiver: { name: config.CLEARINGHOUSE === 'sandbox' ? 'DURABLE DME SANDBOX' : 'CLEARINGHOUSE', id: config.CLEARINGHOUSE_RECEIVER_ID },
    interchange: (controlNumber, asOf) => ({
      senderQualifier: 'ZZ',
      senderId: config.SUBMITTER_ID,
      receiverQualifier: 'ZZ',
      receiverId: config.CLEARINGHOUSE_RECEIVER_ID,
      controlNumber,
      date: asOf.slice(0, 10),
      time: asOf.slice(11, 16),
      usage: config.X12_USAGE,
    }),
  };
}
