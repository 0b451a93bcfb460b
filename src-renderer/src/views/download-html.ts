import type { HtmlExport } from '../../../src-main/shared/ipc-contract'

/** Saves an exported report through the browser's download (works in Electron and in browser mode). */
export function downloadHtml(file: HtmlExport): void {
  const url = URL.createObjectURL(new Blob([file.html], { type: 'text/html' }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
