/**
 * A small MIME builder for the demo and benchmark content: RFC 5322 messages with CRLF line
 * endings, 7-bit clean bodies (quoted-printable or base64) and boundaries derived from the
 * Message-ID, so the same input gives the same bytes.
 */
import { stableHex } from './ids.js';
import {
  CRLF,
  encodeBase64,
  encodeHeaderText,
  encodeQuotedPrintable,
  fileNameParameters,
  foldHeader,
  formatMailbox,
  formatRfc5322Date,
  germanUtcOffsetMinutes,
  isLatin1,
  type MailAddress,
  type WordEncoding,
} from './mime-encoding.js';

export type MimeNode = TextNode | FileNode | MultipartNode | MessageNode;

/** A body text part. */
export interface TextNode {
  type: 'text';
  subtype: 'plain' | 'html';
  text: string;
  charset?: 'utf-8' | 'iso-8859-1';
  transferEncoding: 'quoted-printable' | 'base64';
}

/** An attachment or an inline file (an image referenced from HTML by its Content-ID). */
export interface FileNode {
  type: 'file';
  /** Media type with any parameters except `name`, for example "text/calendar; method=REQUEST". */
  contentType: string;
  fileName: string;
  bytes: Buffer;
  /** Set for inline parts: the Content-ID without angle brackets. */
  contentId?: string;
}

export interface MultipartNode {
  type: 'multipart';
  subtype: 'mixed' | 'alternative' | 'related';
  parts: MimeNode[];
}

/** A complete message attached as message/rfc822 (a forwarded message). */
export interface MessageNode {
  type: 'message';
  /** The attached message; it must be 7-bit, as the builder's own output is. */
  bytes: Buffer;
  fileName?: string;
}

export interface MessageSpec {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  subject: string;
  subjectEncoding?: WordEncoding;
  /** Encoding of non-ASCII display names in From, To and Cc. */
  addressEncoding?: WordEncoding;
  date: Date;
  /** Message-ID without angle brackets. */
  messageId: string;
  inReplyTo?: string;
  /** Further headers with ASCII values, in the order given (X-Mailer, Importance ...). */
  extraHeaders?: Array<[string, string]>;
  body: MimeNode;
}

/** Builds a complete message. The result ends with CRLF and contains no bare CR or LF. */
export function buildMessage(spec: MessageSpec): Buffer {
  const addressEncoding = spec.addressEncoding ?? 'Q';
  const headers: Array<[string, string]> = [
    ['From', formatMailbox(spec.from, addressEncoding)],
    ['To', spec.to.map((mailbox) => formatMailbox(mailbox, addressEncoding)).join(', ')],
  ];
  if (spec.cc && spec.cc.length > 0) headers.push(['Cc', spec.cc.map((mailbox) => formatMailbox(mailbox, addressEncoding)).join(', ')]);
  headers.push(
    ['Subject', encodeHeaderText(spec.subject, spec.subjectEncoding ?? 'Q')],
    ['Date', formatRfc5322Date(spec.date, germanUtcOffsetMinutes(spec.date))],
    ['Message-ID', `<${spec.messageId}>`],
  );
  if (spec.inReplyTo) headers.push(['In-Reply-To', `<${spec.inReplyTo}>`], ['References', `<${spec.inReplyTo}>`]);
  headers.push(...(spec.extraHeaders ?? []), ['MIME-Version', '1.0']);

  const entity = renderNode(spec.body, spec.messageId, '0');
  const head = [...headers.map(([name, value]) => foldHeader(name, value)), ...entity.headers].join(CRLF);
  return Buffer.from(`${head}${CRLF}${CRLF}${entity.body}${CRLF}`, 'ascii');
}

interface RenderedEntity {
  /** Folded header lines of the part. */
  headers: string[];
  /** Body without a trailing line break. */
  body: string;
}

function renderNode(node: MimeNode, messageId: string, path: string): RenderedEntity {
  switch (node.type) {
    case 'text':
      return renderText(node);
    case 'file':
      return renderFile(node);
    case 'message':
      return renderAttachedMessage(node);
    case 'multipart':
      return renderMultipart(node, messageId, path);
  }
}

function renderText(node: TextNode): RenderedEntity {
  const charset = node.charset ?? 'utf-8';
  if (charset === 'iso-8859-1' && !isLatin1(node.text)) {
    throw new Error('Text for an iso-8859-1 part contains characters outside Latin-1 (such as "€" or typographic quotes)');
  }
  const body =
    node.transferEncoding === 'base64'
      ? encodeBase64(Buffer.from(node.text.replace(/\r\n|\r|\n/g, CRLF), charset === 'utf-8' ? 'utf8' : 'latin1'))
      : encodeQuotedPrintable(node.text, charset);

  return {
    headers: [
      foldHeader('Content-Type', `text/${node.subtype}; charset="${charset}"`),
      foldHeader('Content-Transfer-Encoding', node.transferEncoding),
    ],
    body,
  };
}

function renderFile(node: FileNode): RenderedEntity {
  const { quoted, extended } = fileNameParameters(node.fileName);
  const disposition = node.contentId ? 'inline' : 'attachment';
  const dispositionValue = extended ? `${disposition}; filename=${quoted}; filename*=${extended}` : `${disposition}; filename=${quoted}`;

  const headers = [
    foldHeader('Content-Type', `${node.contentType}; name=${quoted}`),
    foldHeader('Content-Disposition', `${dispositionValue}; size=${node.bytes.length}`),
  ];
  if (node.contentId) headers.push(foldHeader('Content-ID', `<${node.contentId}>`));
  headers.push(foldHeader('Content-Transfer-Encoding', 'base64'));
  return { headers, body: encodeBase64(node.bytes) };
}

function renderAttachedMessage(node: MessageNode): RenderedEntity {
  const text = node.bytes.toString('latin1');
  if (/[\x80-\xff]/.test(text)) throw new Error('An attached message/rfc822 must be 7-bit to be sent with Content-Transfer-Encoding 7bit');

  const headers = [foldHeader('Content-Type', 'message/rfc822')];
  if (node.fileName) headers.push(foldHeader('Content-Disposition', `attachment; filename=${fileNameParameters(node.fileName).quoted}`));
  headers.push(foldHeader('Content-Transfer-Encoding', '7bit'));
  return { headers, body: text.endsWith(CRLF) ? text.slice(0, -CRLF.length) : text };
}

function renderMultipart(node: MultipartNode, messageId: string, path: string): RenderedEntity {
  if (node.parts.length === 0) throw new Error(`multipart/${node.subtype} needs at least one part`);

  // "=_" cannot occur in quoted-printable or base64 output, so the boundary cannot collide
  // with an encoded body; the check below covers the 7-bit attached messages.
  const boundary = `----=_Part_${path.replaceAll('.', '_')}_${stableHex(`${messageId}/${path}`, 20)}`;
  const rendered = node.parts.map((part, index) => renderNode(part, messageId, `${path}.${index}`));
  const sections = rendered.map((part) => `--${boundary}${CRLF}${part.headers.join(CRLF)}${CRLF}${CRLF}${part.body}`);
  const body = `${sections.join(CRLF)}${CRLF}--${boundary}--`;
  if (rendered.some((part) => part.body.includes(`--${boundary}`))) throw new Error(`MIME boundary ${boundary} occurs inside a part`);

  const related = node.subtype === 'related' ? `; type="${firstContentType(node.parts[0]!)}"` : '';
  return { headers: [foldHeader('Content-Type', `multipart/${node.subtype}; boundary="${boundary}"${related}`)], body };
}

function firstContentType(node: MimeNode): string {
  switch (node.type) {
    case 'text':
      return `text/${node.subtype}`;
    case 'file':
      return node.contentType.split(';')[0]!.trim();
    case 'message':
      return 'message/rfc822';
    case 'multipart':
      return `multipart/${node.subtype}`;
  }
}
