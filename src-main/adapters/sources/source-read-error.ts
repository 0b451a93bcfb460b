/** Why a data source could not be read; the message names the file, and the column/row when one is at fault. */
export class SourceReadError extends Error {
  constructor(
    readonly code: 'DATA_FILE_MISSING' | 'DATA_FILE_INVALID',
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'SourceReadError'
  }
}
