/**
 * Media types (RFC 2046) of attachments, guessed from their file names.
 *
 * @module
 */

/** The fallback for unknown content: RFC 2046 §4.5.1, "arbitrary binary data". */
export const OCTET_STREAM = "application/octet-stream";

// Extensions of the files people attach most, as registered with IANA (or in common use).
const BY_EXTENSION: Record<string, string> = {
  "7z": "application/x-7z-compressed",
  avif: "image/avif",
  bmp: "image/bmp",
  bz2: "application/x-bzip2",
  css: "text/css",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  eml: "message/rfc822",
  epub: "application/epub+zip",
  gif: "image/gif",
  gz: "application/gzip",
  heic: "image/heic",
  htm: "text/html",
  html: "text/html",
  ics: "text/calendar",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  js: "text/javascript",
  json: "application/json",
  md: "text/markdown",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  odp: "application/vnd.oasis.opendocument.presentation",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  odt: "application/vnd.oasis.opendocument.text",
  ogg: "audio/ogg",
  pdf: "application/pdf",
  png: "image/png",
  ppt: "application/vnd.ms-powerpoint",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  rtf: "application/rtf",
  svg: "image/svg+xml",
  tar: "application/x-tar",
  tif: "image/tiff",
  tiff: "image/tiff",
  txt: "text/plain",
  vcf: "text/vcard",
  wav: "audio/wav",
  webm: "video/webm",
  webp: "image/webp",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xml: "application/xml",
  zip: "application/zip",
};

/**
 * The media type a file name's extension says (case-insensitive), else
 * {@linkcode OCTET_STREAM}.
 *
 * @example
 * ```ts
 * mediaTypeForFileName("Report.PDF"); // "application/pdf"
 * mediaTypeForFileName("data.bin");   // "application/octet-stream"
 * ```
 */
export function mediaTypeForFileName(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return OCTET_STREAM;
  const extension = fileName.slice(dot + 1).toLowerCase();
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension] : OCTET_STREAM;
}
