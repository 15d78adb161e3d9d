/**
 * X.509 certificates (RFC 5280) as Wireshark's x509af/x509if/x509sat/x509ce/pkcs1 dissectors show them inside a
 * TLS Certificate message: the signed certificate's version, serial number, algorithms, issuer and subject (each
 * RDN with its attribute), validity, public key (RSA modulus and exponent, EC curve), the common extensions
 * (subject alternative names, key identifiers, basic constraints, key usage, extended key usage, CRL
 * distribution points, authority information access, certificate policies), then the signature. The fields
 * keep Wireshark's names, so `x509ce.dNSName contains "evil"` or `x509sat.uTF8String == "localhost"` filter as
 * in Wireshark.
 */
import { absTime, bool, bytes, int, nameOnlyProtocols, none, str, uint } from '../fields/registry.js';
import type { DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { children, contents, integer, oidText, tlv, type Tlv } from './ber.js';
import { cutLabel, hexPreview } from '../fields/format.js';

nameOnlyProtocols({
  x509af: 'X.509 Authentication Framework',
  x509if: 'X.509 Information Framework',
  x509sat: 'X.509 Selected Attribute Types',
  x509ce: 'X.509 Certificate Extensions',
  'pkcs-1': 'PKCS#1',
  pkix1implicit: 'PKIX1Implitit', // (sic: Wireshark's spelling)
  pkix1explicit: 'PKIX1Explicit',
  ns_cert_exts: 'NetScape Certificate Extensions',
  ber: 'Basic Encoding Rules (ASN.1 X.690)',
});

/** Object identifiers by dotted value, named as Wireshark names them. */
const OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'id-RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.1': 'id-dsa',
  '1.2.840.10040.4.3': 'id-dsa-with-sha1',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10045.3.1.7': 'secp256r1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
  '1.3.101.112': 'id-Ed25519',
  '1.3.101.113': 'id-Ed448',
  '2.5.4.3': 'id-at-commonName',
  '2.5.4.4': 'id-at-surname',
  '2.5.4.5': 'id-at-serialNumber',
  '2.5.4.6': 'id-at-countryName',
  '2.5.4.7': 'id-at-localityName',
  '2.5.4.8': 'id-at-stateOrProvinceName',
  '2.5.4.9': 'id-at-streetAddress',
  '2.5.4.10': 'id-at-organizationName',
  '2.5.4.11': 'id-at-organizationalUnitName',
  '2.5.4.12': 'id-at-title',
  '2.5.4.15': 'id-at-businessCategory',
  '2.5.4.17': 'id-at-postalCode',
  '2.5.4.42': 'id-at-givenName',
  '2.5.4.43': 'id-at-initials',
  '2.5.4.46': 'id-at-dnQualifier',
  '2.5.4.65': 'id-at-pseudonym',
  '1.2.840.113549.1.9.1': 'pkcs-9-at-emailAddress',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionOfIncorporationStateOrProvinceName',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionOfIncorporationCountryName',
  '0.9.2342.19200300.100.1.1': 'userid',
  '0.9.2342.19200300.100.1.25': 'dc',
  '2.5.29.14': 'id-ce-subjectKeyIdentifier',
  '2.5.29.15': 'id-ce-keyUsage',
  '2.5.29.17': 'id-ce-subjectAltName',
  '2.5.29.18': 'id-ce-issuerAltName',
  '2.5.29.19': 'id-ce-basicConstraints',
  '2.5.29.31': 'id-ce-cRLDistributionPoints',
  '2.5.29.32': 'id-ce-certificatePolicies',
  '2.5.29.35': 'id-ce-authorityKeyIdentifier',
  '2.5.29.37': 'id-ce-extKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'id-pe-authorityInfoAccess',
  '1.3.6.1.5.5.7.3.1': 'id-kp-serverAuth',
  '1.3.6.1.5.5.7.3.2': 'id-kp-clientAuth',
  '1.3.6.1.5.5.7.3.3': 'id-kp-codeSigning',
  '1.3.6.1.5.5.7.3.4': 'id-kp-emailProtection',
  '1.3.6.1.5.5.7.3.8': 'id-kp-timeStamping',
  '1.3.6.1.5.5.7.3.9': 'id-kp-OCSPSigning',
  '1.3.6.1.5.5.7.48.1': 'id-ad-ocsp',
  '1.3.6.1.5.5.7.48.2': 'id-ad-caIssuers',
  '1.3.6.1.5.5.7.2.1': 'id-qt-cps',
  '1.3.6.1.5.5.7.2.2': 'id-qt-unotice',
  '1.3.6.1.4.1.11129.2.4.2': 'SignedCertificateTimestampList',
  '2.16.840.1.113730.1.1': 'ns_cert_exts.cert_type',
  '2.16.840.1.113730.1.13': 'ns_cert_exts.comment',
};

const f = {
  signedCertificate: none('x509af.signedCertificate_element', 'signedCertificate'),
  version: int('x509af.version', 'version', 32, { strings: { 0: 'v1', 1: 'v2', 2: 'v3' } }),
  serialNumber: bytes('x509af.serialNumber', 'serialNumber'),
  signature: none('x509af.signature_element', 'signature'),
  algorithmId: str('x509af.algorithm.id', 'Algorithm Id'),
  issuer: uint('x509af.issuer', 'issuer', 32, { strings: { 0: 'rdnSequence' } }),
  subject: uint('x509af.subject', 'subject', 32, { strings: { 0: 'rdnSequence' } }),
  rdnSequence: uint('x509if.rdnSequence', 'rdnSequence', 32),
  rdnItem: uint('x509if.RDNSequence_item', 'RDNSequence item', 32),
  rdnAttribute: none('x509if.RelativeDistinguishedName_item_element', 'RelativeDistinguishedName item'),
  oid: str('x509if.oid', 'Object Id'),
  directoryString: uint('x509sat.DirectoryString', 'DirectoryString', 32, {
    strings: {
      0: 'teletexString',
      1: 'printableString',
      2: 'universalString',
      3: 'bmpString',
      4: 'uTF8String',
    },
  }),
  teletexString: str('x509sat.teletexString', 'teletexString'),
  printableString: str('x509sat.printableString', 'printableString'),
  universalString: str('x509sat.universalString', 'universalString'),
  bmpString: str('x509sat.bmpString', 'bmpString'),
  uTF8String: str('x509sat.uTF8String', 'uTF8String'),
  countryName: str('x509sat.CountryName', 'CountryName'),
  ia5String: str('x509sat.IA5String', 'IA5String'),
  validity: none('x509af.validity_element', 'validity'),
  notBefore: uint('x509af.notBefore', 'notBefore', 32, { strings: { 0: 'utcTime', 1: 'generalizedTime' } }),
  notAfter: uint('x509af.notAfter', 'notAfter', 32, { strings: { 0: 'utcTime', 1: 'generalizedTime' } }),
  utcTime: str('x509af.utcTime', 'utcTime'),
  generalizedTime: absTime('x509af.generalizedTime', 'generalizedTime'),
  subjectPublicKeyInfo: none('x509af.subjectPublicKeyInfo_element', 'subjectPublicKeyInfo'),
  algorithm: none('x509af.algorithm_element', 'algorithm'),
  subjectPublicKey: bytes('x509af.subjectPublicKey', 'subjectPublicKey'),
  modulus: bytes('pkcs1.modulus', 'modulus'),
  publicExponent: int('pkcs1.publicExponent', 'publicExponent', 32),
  ecParameters: uint('pkcs1.ECParameters', 'ECParameters', 32, {
    strings: { 0: 'specifiedCurve', 1: 'namedCurve' },
  }),
  namedCurve: str('pkcs1.namedCurve', 'namedCurve'),
  padding: uint('ber.bitstring.padding', 'Padding', 8),
  extensions: uint('x509af.extensions', 'extensions', 32),
  extension: none('x509af.Extension_element', 'Extension'),
  extensionId: str('x509af.extension.id', 'Extension Id'),
  critical: bool('x509af.critical', 'critical', { trueFalse: ['True', 'False'] }),
  algorithmIdentifier: none('x509af.algorithmIdentifier_element', 'algorithmIdentifier'),
  encrypted: bytes('x509af.encrypted', 'encrypted'),
  generalNames: uint('x509ce.GeneralNames', 'GeneralNames', 32),
  generalName: uint('x509ce.GeneralName', 'GeneralName', 32, {
    strings: {
      0: 'otherName',
      1: 'rfc822Name',
      2: 'dNSName',
      3: 'x400Address',
      4: 'directoryName',
      5: 'ediPartyName',
      6: 'uniformResourceIdentifier',
      7: 'iPAddress',
      8: 'registeredID',
    },
  }),
  rfc822Name: str('x509ce.rfc822Name', 'rfc822Name'),
  dNSName: str('x509ce.dNSName', 'dNSName'),
  uri: str('x509ce.uniformResourceIdentifier', 'uniformResourceIdentifier'),
  iPAddress: bytes('x509ce.iPAddress', 'iPAddress'),
  subjectKeyIdentifier: bytes('x509ce.SubjectKeyIdentifier', 'SubjectKeyIdentifier'),
  authorityKeyIdentifier: none('x509ce.AuthorityKeyIdentifier_element', 'AuthorityKeyIdentifier'),
  keyIdentifier: bytes('x509ce.keyIdentifier', 'keyIdentifier'),
  authorityCertIssuer: uint('x509ce.authorityCertIssuer', 'authorityCertIssuer', 32),
  authorityCertSerialNumber: bytes('x509ce.authorityCertSerialNumber', 'authorityCertSerialNumber'),
  directoryName: uint('x509ce.directoryName', 'directoryName', 32, { strings: { 0: 'rdnSequence' } }),
  printableStringAttr: str('x509sat.PrintableString', 'PrintableString'),
  basicConstraints: none('x509ce.BasicConstraintsSyntax_element', 'BasicConstraintsSyntax'),
  cA: bool('x509ce.cA', 'cA', { trueFalse: ['True', 'False'] }),
  pathLenConstraint: int('x509ce.pathLenConstraint', 'pathLenConstraint', 32),
  keyUsage: bytes('x509ce.KeyUsage', 'KeyUsage'),
  keyPurposeIds: uint('x509ce.KeyPurposeIDs', 'KeyPurposeIDs', 32),
  keyPurposeId: str('x509ce.KeyPurposeId', 'KeyPurposeId'),
  crlDistPoints: uint('x509ce.CRLDistPointsSyntax', 'CRLDistPointsSyntax', 32),
  distributionPoint: none('x509ce.DistributionPoint_element', 'DistributionPoint'),
  distributionPointName: uint('x509ce.distributionPoint', 'distributionPoint', 32, {
    strings: { 0: 'fullName', 1: 'nameRelativeToCRLIssuer' },
  }),
  fullName: uint('x509ce.fullName', 'fullName', 32),
  aia: uint('x509ce.AuthorityInfoAccessSyntax', 'AuthorityInfoAccessSyntax', 32),
  accessDescription: none('x509ce.AccessDescription_element', 'AccessDescription'),
  accessMethod: str('x509ce.accessMethod', 'accessMethod'),
  accessLocation: uint('x509ce.accessLocation', 'accessLocation', 32),
  policies: uint('x509ce.CertificatePoliciesSyntax', 'CertificatePoliciesSyntax', 32),
  policyInformation: none('x509ce.PolicyInformation_element', 'PolicyInformation'),
  policyIdentifier: str('x509ce.policyIdentifier', 'policyIdentifier'),
};

/** The dotted text of an OBJECT IDENTIFIER element. */
const oidOf = (ctx: DissectCtx, e: Tlv): string => oidText(contents(ctx, e));

/** "1.2.840.113549.1.1.1 (rsaEncryption)", or the bare OID when it has no name here. */
function oidLabel(oid: string): string {
  const name = OIDS[oid];
  return name ? `${oid} (${name})` : oid;
}

/** An OID item labelled "Name: 1.2.3 (name)"; returns the OID. */
function addOid(ctx: DissectCtx, field: typeof f.oid, name: string, e: Tlv, parent: Item): string {
  const oid = oidOf(ctx, e);
  ctx.add(field, e.start, e.end - e.start, oid, { parent, label: `${name}: ${oidLabel(oid)}` });
  return oid;
}

function stringText(ctx: DissectCtx, e: Tlv): string {
  const raw = contents(ctx, e);
  if (e.num === 30) {
    let s = '';
    for (let i = 0; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw[i] << 8) | raw[i + 1]);
    return s;
  }
  return Buffer.from(raw).toString(e.num === 12 ? 'utf8' : 'latin1');
}

/** DirectoryString's CHOICE by the string's universal tag. */
const DIRECTORY_CHOICE: Record<number, [number, typeof f.oid]> = {
  20: [0, f.teletexString],
  19: [1, f.printableString],
  28: [2, f.universalString],
  30: [3, f.bmpString],
  12: [4, f.uTF8String],
};

/** One attribute's value: CountryName and e-mail addresses as themselves, the rest as a DirectoryString. */
function attributeValue(ctx: DissectCtx, oid: string, e: Tlv, parent: Item): string {
  ctx.addLayerName('x509sat');
  const text = stringText(ctx, e);
  const len = e.end - e.start;
  if (oid === '2.5.4.6' || oid === '1.3.6.1.4.1.311.60.2.1.3')
    ctx.add(f.countryName, e.value, e.end - e.value, text, { parent });
  else if (oid === '2.5.4.5') ctx.add(f.printableStringAttr, e.value, e.end - e.value, text, { parent });
  else if (oid === '1.2.840.113549.1.9.1' || oid === '0.9.2342.19200300.100.1.25' || e.num === 22)
    ctx.add(f.ia5String, e.value, e.end - e.value, text, { parent });
  else {
    const [choice, field] = DIRECTORY_CHOICE[e.num] ?? [1, f.printableString];
    const ds = ctx.add(f.directoryString, e.start, len, choice, { parent });
    ctx.add(field, e.value, e.end - e.value, text, { parent: ds });
  }
  return text;
}

/**
 * A Name's RDNs under `parent`, each with its attributes; returns the name's summary, last RDN first, as Wireshark
 * prints it beside a certificate ("id-at-commonName=www.example.com,id-at-organizationName=…").
 */
export function rdnItems(ctx: DissectCtx, seq: Tlv, parent: Item): string {
  const parts: string[] = [];
  for (const rdn of children(ctx, seq)) {
    const atvs = children(ctx, rdn);
    const texts: string[] = [];
    const item = ctx.add(f.rdnItem, rdn.start, rdn.end - rdn.start, atvs.length, { parent });
    for (const atv of atvs) {
      const [type, value] = children(ctx, atv);
      if (!type || !value) continue;
      const oid = oidOf(ctx, type);
      const name = OIDS[oid] ?? oid;
      const a = ctx.add(f.rdnAttribute, atv.start, atv.end - atv.start, null, { parent: item });
      addOid(ctx, f.oid, 'Object Id', type, a);
      const text = `${name}=${attributeValue(ctx, oid, value, a)}`;
      ctx.setLabel(a, cutLabel(`RelativeDistinguishedName item (${text})`));
      texts.push(text);
    }
    ctx.setLabel(
      item,
      cutLabel(`RDNSequence item: ${atvs.length} item${atvs.length === 1 ? '' : 's'} (${texts.join(',')})`),
    );
    parts.push(...texts);
  }
  return parts.reverse().join(',');
}

/** Each issuer's and subject's summary, whole (its line cuts it at Wireshark's label length). */
const summaries = new WeakMap<Item, string>();

/** An issuer's or subject's rdnSequence item's summary ("id-at-commonName=…,…"). */
export function rdnSummary(item: Item): string {
  return summaries.get(item) ?? '';
}

/** A Name as an issuer or subject has it: "rdnSequence: 7 items (…)" over its RDNs; returns its summary. */
function rdnSequence(ctx: DissectCtx, seq: Tlv, parent: Item): string {
  const n = children(ctx, seq).length;
  const top = ctx.add(f.rdnSequence, seq.start, seq.end - seq.start, n, { parent });
  const summary = rdnItems(ctx, seq, top);
  summaries.set(top, summary);
  ctx.setLabel(top, cutLabel(`rdnSequence: ${n} item${n === 1 ? '' : 's'} (${summary})`));
  return summary;
}

/** An AlgorithmIdentifier: "NAME (algorithm)" with its Algorithm Id (and an EC key's named curve). */
function algorithmIdentifier(
  ctx: DissectCtx,
  field: typeof f.signature,
  name: string,
  e: Tlv,
  parent: Item,
): string {
  const [id, params] = children(ctx, e);
  const oid = id ? oidOf(ctx, id) : '';
  const item = ctx.add(field, e.start, e.end - e.start, null, {
    parent,
    label: `${name} (${OIDS[oid] ?? oid})`,
  });
  if (id) addOid(ctx, f.algorithmId, 'Algorithm Id', id, item);
  if (oid === '1.2.840.10045.2.1' && params?.num === 6) {
    ctx.addLayerName('pkcs-1');
    const ec = ctx.add(f.ecParameters, params.start, params.end - params.start, 1, { parent: item });
    addOid(ctx, f.namedCurve, 'namedCurve', params, ec);
  }
  return oid;
}

function time(ctx: DissectCtx, field: typeof f.notBefore, e: Tlv, parent: Item): void {
  const general = e.num === 24;
  const t = ctx.add(field, e.start, e.end - e.start, general ? 1 : 0, { parent });
  const s = Buffer.from(contents(ctx, e)).toString('latin1');
  if (!general) {
    // YYMMDDhhmmssZ: 50–99 are 1950–1999 (RFC 5280 §4.1.2.5.1).
    const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s);
    const text = m
      ? `${Number(m[1]) >= 50 ? '19' : '20'}${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'} (UTC)`
      : s;
    ctx.add(f.utcTime, e.value, e.end - e.value, text, { parent: t });
  } else {
    // YYYYMMDDhhmmss[.fff]Z.
    const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d{1,9}))?Z$/.exec(s);
    if (!m) return;
    const secs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
    const ns = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
    ctx.add(f.generalizedTime, e.value, e.end - e.value, { s: secs, ns }, { parent: t });
  }
}

/** A GeneralName (subject alternative names, CRL and AIA locations). */
function generalName(ctx: DissectCtx, e: Tlv, parent: Item, withChoice = true): void {
  const target = withChoice ? ctx.add(f.generalName, e.start, e.end - e.start, e.num, { parent }) : parent;
  const text = () => Buffer.from(contents(ctx, e)).toString('latin1');
  if (e.num === 1) ctx.add(f.rfc822Name, e.value, e.end - e.value, text(), { parent: target });
  else if (e.num === 2) ctx.add(f.dNSName, e.value, e.end - e.value, text(), { parent: target });
  else if (e.num === 6) ctx.add(f.uri, e.value, e.end - e.value, text(), { parent: target });
  else if (e.num === 7) ctx.add(f.iPAddress, e.value, e.end - e.value, contents(ctx, e), { parent: target });
  else if (e.num === 4) {
    // [4] EXPLICIT Name.
    const name = tlv(ctx, e.value, e.end);
    const dn = ctx.add(f.directoryName, name.start, name.end - name.start, 0, { parent: target });
    rdnSequence(ctx, name, dn);
  }
}

const count = (n: number, what: string) => `${what}: ${n} item${n === 1 ? '' : 's'}`;

/** A SEQUENCE OF as Wireshark shows it ("GeneralNames: 2 items") over its elements: the item and them. */
function sequenceOf(
  ctx: DissectCtx,
  field: typeof f.generalNames,
  title: string,
  e: Tlv,
  parent: Item,
): { item: Item; elements: Tlv[] } {
  const elements = children(ctx, e);
  const item = ctx.add(field, e.start, e.end - e.start, elements.length, {
    parent,
    label: count(elements.length, title),
  });
  return { item, elements };
}

/** KeyUsage's bits (RFC 5280 §4.2.1.3), as Wireshark's bit lines name them. */
const KEY_USAGE = [
  'digitalSignature',
  'contentCommitment',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/**
 * The protocol Wireshark hands an extension's value to, as frame.protocols lists it: X.509's own extensions
 * (id-ce) x509ce, authority information access pkix1implicit, Netscape's ns_cert_exts, the signed certificate
 * timestamps tls; others none.
 */
function extensionLayer(oid: string): string | undefined {
  if (oid.startsWith('2.5.29.')) return 'x509ce';
  if (oid === '1.3.6.1.5.5.7.1.1') return 'pkix1implicit';
  if (oid.startsWith('2.16.840.1.113730.1.')) return 'ns_cert_exts';
  if (oid === '1.3.6.1.4.1.11129.2.4.2') return 'tls';
  return undefined;
}

/** One extension's value (the OCTET STRING's contents) under its item. */
function extensionValue(ctx: DissectCtx, oid: string, e: Tlv, item: Item): void {
  const layer = extensionLayer(oid);
  if (layer) ctx.addLayerName(layer);
  const inner = tlv(ctx, e.value, e.end);
  switch (oid) {
    case '2.5.29.17':
    case '2.5.29.18': {
      const { item: g, elements: names } = sequenceOf(ctx, f.generalNames, 'GeneralNames', inner, item);
      for (const n of names) generalName(ctx, n, g);
      return;
    }
    case '2.5.29.14':
      ctx.add(f.subjectKeyIdentifier, inner.value, inner.end - inner.value, contents(ctx, inner), {
        parent: item,
      });
      return;
    case '2.5.29.35': {
      const aki = ctx.add(f.authorityKeyIdentifier, inner.start, inner.end - inner.start, null, {
        parent: item,
      });
      for (const c of children(ctx, inner)) {
        if (c.cls !== 2) continue;
        if (c.num === 0)
          ctx.add(f.keyIdentifier, c.value, c.end - c.value, contents(ctx, c), { parent: aki });
        else if (c.num === 1) {
          const { item: issuer, elements: names } = sequenceOf(
            ctx,
            f.authorityCertIssuer,
            'authorityCertIssuer',
            c,
            aki,
          );
          for (const n of names) generalName(ctx, n, issuer);
        } else if (c.num === 2) {
          const b = contents(ctx, c);
          ctx.add(f.authorityCertSerialNumber, c.value, c.end - c.value, b, {
            parent: aki,
            label: `authorityCertSerialNumber: 0x${hexPreview(b)}`,
          });
        }
      }
      return;
    }
    case '2.5.29.19': {
      const members = children(ctx, inner);
      const bc = ctx.add(f.basicConstraints, inner.start, inner.end - inner.start, null, {
        parent: item,
        ...(members.length === 0 ? { label: 'BasicConstraintsSyntax [0 length]' } : {}),
      });
      for (const c of members) {
        if (c.cls === 0 && c.num === 1)
          ctx.add(f.cA, c.value, c.end - c.value, ctx.view.u8(c.value) !== 0, { parent: bc });
        else if (c.cls === 0 && c.num === 2)
          ctx.add(f.pathLenConstraint, c.value, c.end - c.value, integer(ctx, c), { parent: bc });
      }
      return;
    }
    case '2.5.29.15': {
      const bits = contents(ctx, inner);
      if (bits.length < 1) return;
      ctx.add(f.padding, inner.value, 1, bits[0], { parent: item });
      const value = bits.subarray(1);
      const ku = ctx.add(f.keyUsage, inner.value + 1, value.length, value, { parent: item });
      KEY_USAGE.forEach((name, i) => {
        const byte = value[i >> 3] ?? 0;
        const set = (byte & (0x80 >> (i & 7))) !== 0;
        const pattern = Array.from({ length: 8 }, (_, b) => (b === (i & 7) ? (set ? '1' : '0') : '.'));
        ctx.text(
          `${pattern.slice(0, 4).join('')} ${pattern.slice(4).join('')} = ${name}: ${set ? 'True' : 'False'}`,
          inner.value + 1 + (i >> 3),
          1,
          ku,
        );
      });
      return;
    }
    case '2.5.29.37': {
      const { item: k, elements: ids } = sequenceOf(ctx, f.keyPurposeIds, 'KeyPurposeIDs', inner, item);
      for (const id of ids) addOid(ctx, f.keyPurposeId, 'KeyPurposeId', id, k);
      return;
    }
    case '2.5.29.31': {
      const { item: list, elements: points } = sequenceOf(
        ctx,
        f.crlDistPoints,
        'CRLDistPointsSyntax',
        inner,
        item,
      );
      for (const p of points) {
        const dp = ctx.add(f.distributionPoint, p.start, p.end - p.start, null, { parent: list });
        for (const c of children(ctx, p)) {
          if (c.num !== 0) continue;
          const name = tlv(ctx, c.value, c.end);
          const dpn = ctx.add(f.distributionPointName, c.start, c.end - c.start, name.num, { parent: dp });
          if (name.num !== 0) continue;
          const { item: full, elements: names } = sequenceOf(ctx, f.fullName, 'fullName', name, dpn);
          for (const n of names) generalName(ctx, n, full);
        }
      }
      return;
    }
    case '1.3.6.1.5.5.7.1.1': {
      const { item: list, elements: descs } = sequenceOf(
        ctx,
        f.aia,
        'AuthorityInfoAccessSyntax',
        inner,
        item,
      );
      for (const d of descs) {
        const ad = ctx.add(f.accessDescription, d.start, d.end - d.start, null, { parent: list });
        const [method, location] = children(ctx, d);
        if (method) addOid(ctx, f.accessMethod, 'accessMethod', method, ad);
        if (location) {
          const loc = ctx.add(f.accessLocation, location.start, location.end - location.start, location.num, {
            parent: ad,
          });
          generalName(ctx, location, loc, false);
        }
      }
      return;
    }
    case '2.5.29.32': {
      const { item: list, elements: policies } = sequenceOf(
        ctx,
        f.policies,
        'CertificatePoliciesSyntax',
        inner,
        item,
      );
      for (const p of policies) {
        const pi = ctx.add(f.policyInformation, p.start, p.end - p.start, null, { parent: list });
        const [id, qualifiers] = children(ctx, p);
        if (id) addOid(ctx, f.policyIdentifier, 'policyIdentifier', id, pi);
        // Each qualifier is PKIX1Explicit's to read (not shown here).
        for (let k = qualifiers ? children(ctx, qualifiers).length : 0; k > 0; k--)
          ctx.addLayerName('pkix1explicit');
      }
      return;
    }
  }
}

/**
 * The certificate `der` at v[off, off+len) under `parent` (the TLS certificate item). Returns the subject's
 * summary for the certificate's label, or undefined when it is not a certificate (then nothing is added).
 */
export function x509Certificate(ctx: DissectCtx, off: number, len: number, parent: Item): string | undefined {
  const cert = tlv(ctx, off, off + len);
  const [tbs, sigAlg, sig] = children(ctx, cert);
  if (!tbs || tbs.num !== 16) return undefined;
  const sc = ctx.add(f.signedCertificate, tbs.start, tbs.end - tbs.start, null, { parent });
  let subject: string | undefined;
  const members = children(ctx, tbs);
  let i = 0;
  if (members[0]?.cls === 2 && members[0].num === 0) {
    const v = tlv(ctx, members[0].value, members[0].end);
    ctx.add(f.version, v.value, v.end - v.value, integer(ctx, v), { parent: sc });
    i++;
  }
  const [serial, signature, issuer, validity, subj, spki] = members.slice(i, i + 6);
  if (serial) {
    const b = contents(ctx, serial);
    ctx.add(f.serialNumber, serial.value, serial.end - serial.value, b, {
      parent: sc,
      label: `serialNumber: 0x${hexPreview(b)}`,
    });
  }
  if (signature) algorithmIdentifier(ctx, f.signature, 'signature', signature, sc);
  const name = (field: typeof f.issuer, label: string, e: Tlv) => {
    const item = ctx.add(field, e.start, e.end - e.start, 0, {
      parent: sc,
      label: `${label}: rdnSequence (0)`,
    });
    return rdnSequence(ctx, e, item);
  };
  if (issuer) name(f.issuer, 'issuer', issuer);
  if (validity) {
    const va = ctx.add(f.validity, validity.start, validity.end - validity.start, null, { parent: sc });
    const [nb, na] = children(ctx, validity);
    if (nb) time(ctx, f.notBefore, nb, va);
    if (na) time(ctx, f.notAfter, na, va);
  }
  if (subj) subject = name(f.subject, 'subject', subj);
  if (spki) publicKeyInfo(ctx, spki, sc);
  for (const m of members.slice(i + 6)) {
    if (m.cls !== 2 || m.num !== 3) continue;
    const seq = tlv(ctx, m.value, m.end);
    const { item: list, elements: exts } = sequenceOf(ctx, f.extensions, 'extensions', seq, sc);
    for (const x of exts) {
      const parts = children(ctx, x);
      const [id] = parts;
      const oid = id ? oidOf(ctx, id) : '';
      const item = ctx.add(f.extension, x.start, x.end - x.start, null, {
        parent: list,
        label: `Extension (${OIDS[oid] ?? oid})`,
      });
      if (id) addOid(ctx, f.extensionId, 'Extension Id', id, item);
      let value = parts[1];
      if (value?.num === 1) {
        ctx.add(f.critical, value.value, value.end - value.value, ctx.view.u8(value.value) !== 0, {
          parent: item,
        });
        value = parts[2];
      }
      if (value?.num === 4) extensionValue(ctx, oid, value, item);
    }
  }
  if (sigAlg) algorithmIdentifier(ctx, f.algorithmIdentifier, 'algorithmIdentifier', sigAlg, parent);
  if (sig?.num === 3 && sig.end > sig.value) {
    ctx.add(f.padding, sig.value, 1, ctx.view.u8(sig.value), { parent });
    const b = ctx.view.slice(sig.value + 1, sig.end - sig.value - 1);
    ctx.add(f.encrypted, sig.value + 1, b.length, b, { parent });
  }
  return subject;
}

/** subjectPublicKeyInfo: the algorithm, then the key (an RSA key's modulus and exponent; others' padding). */
function publicKeyInfo(ctx: DissectCtx, spki: Tlv, parent: Item): void {
  const item = ctx.add(f.subjectPublicKeyInfo, spki.start, spki.end - spki.start, null, { parent });
  const [alg, key] = children(ctx, spki);
  const oid = alg ? algorithmIdentifier(ctx, f.algorithm, 'algorithm', alg, item) : '';
  if (key?.num !== 3 || key.end <= key.value) return;
  const rsa = oid === '1.2.840.113549.1.1.1';
  if (!rsa) ctx.add(f.padding, key.value, 1, ctx.view.u8(key.value), { parent: item });
  const b = ctx.view.slice(key.value + 1, key.end - key.value - 1);
  const pk = ctx.add(f.subjectPublicKey, key.value + 1, b.length, b, { parent: item });
  if (!rsa) return;
  const seq = tlv(ctx, key.value + 1, key.end);
  const [n, e] = children(ctx, seq);
  if (n) {
    const m = contents(ctx, n);
    ctx.add(f.modulus, n.value, n.end - n.value, m, { parent: pk, label: `modulus: 0x${hexPreview(m)}` });
  }
  if (e) ctx.add(f.publicExponent, e.value, e.end - e.value, integer(ctx, e), { parent: pk });
}
