/// <reference types="vite/client" />
import type { PreloadApi } from '../../src-main/shared/ipc-contract'

declare global {
  interface Window {
    /** Present only inside the Electron window (the preload's bridge); absent in browser mode. */
    readonly api?: PreloadApi
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

export {}
