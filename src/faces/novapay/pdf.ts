// A minimal hand-written PDF 1.4 writer: one A4 page of text lines and rules in the standard Helvetica
// fonts (WinAnsi), enough for a printable express waybill. Cyrillic is transliterated (the standard
// fonts carry no Cyrillic glyphs), using Ukraine's official romanisation.

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'h',
  ґ: 'g',
  д: 'd',
  е: 'e',
  є: 'ie',
  ж: 'zh',
  з: 'z',
  и: 'y',
  і: 'i',
  ї: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ь: '',
  ю: 'iu',
  я: 'ia',
  ы: 'y',
  э: 'e',
  ё: 'io',
  ъ: '',
  '’': "'",
  '№': 'No.',
};

function transliterate(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const t = TRANSLIT[lower];
    if (t === undefined) {
      out += ch;
      continue;
    }
    out += ch !== lower && t ? t[0]!.toUpperCase() + t.slice(1) : t;
  }
  return out;
}

/** A PDF string literal with the WinAnsi subset we emit (printable ASCII), escaped. */
function pdfString(s: string): string {
  const ascii = transliterate(s).replace(/[^\x20-\x7e]/g, '?');
  return '(' + ascii.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)') + ')';
}

export interface PdfLine {
  text: string;
  x: number;
  y: number;
  size?: number;
  bold?: boolean;
}

export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PdfPage {
  title: string;
  lines: PdfLine[];
  rules?: PdfRule[];
  /** rectangles (x, y, w, h) drawn filled: a simple bar code */
  bars?: Array<[number, number, number, number]>;
}

/** Renders one A4 page (595 × 842 pt) as a complete PDF file. */
export function renderPdf(page: PdfPage): Buffer {
  const ops: string[] = [];
  for (const r of page.rules ?? []) ops.push(`0.6 w ${r.x1} ${r.y1} m ${r.x2} ${r.y2} l S`);
  const n = (v: number) => String(Math.round(v * 100) / 100);
  for (const [x, y, w, h] of page.bars ?? []) ops.push(`${n(x)} ${n(y)} ${n(w)} ${n(h)} re f`);
  for (const l of page.lines) ops.push(`BT /${l.bold ? 'F2' : 'F1'} ${l.size ?? 11} Tf ${l.x} ${l.y} Td ${pdfString(l.text)} Tj ET`);
  const content = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    `<< /Title ${pdfString(page.title)} /Producer (Polypay) >>`,
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Interleaved 2 of 5-like bars for a digit string (decorative, deterministic). */
export function barsFor(digits: string, x: number, y: number, height: number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  let cx = x;
  for (const d of digits.replace(/\D/g, '')) {
    const n = d.charCodeAt(0) - 48;
    for (let k = 0; k < 4; k++) {
      const wide = ((n >> k) & 1) === 1;
      const w = wide ? 2.4 : 1;
      out.push([cx, y, w, height]);
      cx += w + (k % 2 === 0 ? 1.2 : 2);
    }
    cx += 2;
  }
  return out;
}
