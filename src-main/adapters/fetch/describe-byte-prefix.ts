/**
 * The first bytes of a file or response body in words, for an error message: as text when printable (an
 * HTML page, an S3/CloudFront XML error) or as hex otherwise. Example: `<html><body>Not found` →
 * `'<html><body>Not found' (text, not Parquet; an error page?)`.
 */
export function describeBytePrefix(prefix: Uint8Array): string {
  const sample = prefix.subarray(0, 32)
  const isPrintable = sample.every(
    (byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127),
  )
  if (isPrintable && sample.length > 0) {
    const text = Buffer.from(sample).toString('latin1').replace(/\s+/g, ' ').trim()
    return `'${text}'${prefix.length > 32 ? '…' : ''} (text, not Parquet; an error page?)`
  }
  return `bytes ${Buffer.from(prefix.subarray(0, 8)).toString('hex')}`
}
