import { stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { CliError } from './cli-context'

/**
 * An output file named on the command line (`--html FILE`), resolved against the working directory so the
 * CLI can say exactly where it wrote. `checkWritable` runs before the (slow) work so a typo in the folder
 * fails at once; `write` turns file-system failures into one sentence instead of a stack trace.
 */
export class OutputFile {
  /** The absolute path that will be written. */
  readonly path: string

  constructor(
    private readonly given: string,
    private readonly option: string,
  ) {
    this.path = resolve(given)
  }

  /**
   * @throws {CliError} exit 2 when the path ends in a slash (a folder's name: `resolve` would drop the
   * slash and write a file of that name), the folder does not exist or is not a folder, or the path is a
   * folder
   */
  async checkWritable(): Promise<void> {
    if (/[/\\]$/.test(this.given)) {
      throw new CliError(
        `${this.option} ${this.given} ends in a slash, so it names a folder; give a file name such as ${this.given}report.html.`,
        2,
      )
    }
    const folder = dirname(this.path)
    const info = await stat(folder).catch(() => null)
    if (info === null) {
      throw new CliError(
        `${this.option} ${this.path}: the folder ${folder} does not exist; create it first or choose another path.`,
        2,
      )
    }
    if (!info.isDirectory()) {
      throw new CliError(`${this.option} ${this.path}: ${folder} is not a folder.`, 2)
    }
    const target = await stat(this.path).catch(() => null)
    if (target?.isDirectory() === true) {
      throw new CliError(
        `${this.option} ${this.path} is a folder; give a file name such as ${this.path}/report.html.`,
        2,
      )
    }
  }

  /**
   * Writes the content and returns the absolute path written.
   * @throws {CliError} one sentence naming the path, the reason and what to do
   */
  async write(content: string): Promise<string> {
    await this.checkWritable()
    try {
      await writeFile(this.path, content)
    } catch (error) {
      throw new CliError(writeFailure(this.option, this.path, error), 1)
    }
    return this.path
  }
}

function writeFailure(option: string, path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `${option} ${path}: permission denied; choose a folder you can write to.`
    case 'EROFS':
      return `${option} ${path}: the file system is read-only; choose a folder on a writable disk.`
    case 'ENOSPC':
    case 'EDQUOT':
      return `${option} ${path}: the disk is full; free some space or choose another disk.`
    default:
      return `${option} ${path} could not be written (${error instanceof Error ? error.message : String(error)}).`
  }
}
