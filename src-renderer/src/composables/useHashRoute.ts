import type { Ref } from 'vue'
import { onBeforeUnmount, ref } from 'vue'

/**
 * The current view from the URL hash (`#/backfill`), so views are linkable and the back button works
 * without a router dependency. An unknown hash falls back to the first view.
 */
export function useHashRoute<const T extends string>(
  views: readonly T[],
): { current: Ref<T>; go: (view: T) => void } {
  const read = (): T => {
    const name = window.location.hash.replace(/^#\/?/, '')
    return (views as readonly string[]).includes(name) ? (name as T) : (views[0] as T)
  }
  const current = ref(read()) as Ref<T>
  const onChange = (): void => {
    current.value = read()
  }
  window.addEventListener('hashchange', onChange)
  onBeforeUnmount(() => window.removeEventListener('hashchange', onChange))
  return {
    current,
    go(view) {
      window.location.hash = `#/${view}`
      current.value = view
    },
  }
}
