// Just enough multipart/form-data to read what the SDK's FormData upload sends: named fields and
// one file. The whole body is in memory, which is fine at the sizes an emulator serves (tests, demos).
import { ApiError } from './http.js';

export interface FormPart {
  name: string;
  filename: string | null;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  const match = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!match) throw ApiError.invalid('Expected a multipart/form-data body.');
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw ApiError.invalid('Malformed multipart body: no boundary.');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts; // closing delimiter
    const headersStart = at + 2; // skip the CRLF after the delimiter
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (headersEnd < 0 || next < 0) throw ApiError.invalid('Malformed multipart body: unterminated part.');
    const headers = body.subarray(headersStart, headersEnd).toString('utf8');
    parts.push({ ...dispositionOf(headers), data: body.subarray(headersEnd + 4, next) });
    at = next + 2;
  }
}

function dispositionOf(headers: string): { name: string; filename: string | null } {
  const line = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h)) ?? '';
  const name = /\bname="([^"]*)"/i.exec(line)?.[1];
  if (name === undefined) throw ApiError.invalid('Malformed multipart body: a part has no name.');
  const filename = /\bfilename="([^"]*)"/i.exec(line)?.[1];
  return { name, filename: filename === undefined ? null : unescapeFilename(filename) };
}

// FormData percent-encodes only quotes and line breaks in file names (a bare % stays as is).
function unescapeFilename(filename: string): string {
  return filename.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
